import { CfnTag, Token, Tokenization } from 'aws-cdk-lib';
import * as dlm from 'aws-cdk-lib/aws-dlm';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import {
  checkAccountId, checkAvailabilityZone, checkCount, checkLength, checkOneOf, checkPattern, checkRange, checkRegion, invalid, isKnown,
} from '../core/validation';
import { checkDlmCron } from './cron';
import { SnapshotRetention } from './retention';

/** A copy of each snapshot in another region. */
export interface SnapshotCopy {
  /** Region the copies go to, for example `eu-west-1`. */
  readonly region: string;
  /**
   * Customer-managed key in the target region that encrypts the copies. Required when the
   * source volumes use a customer-managed key, so the copies stay under your control.
   * @default - the target region's default EBS key (copies are always encrypted)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long the copies are kept (an age: DLM takes no count for copies).
   * @default - the schedule's retention when it is an age; required when that is a count
   */
  readonly retention?: SnapshotRetention;
  /**
   * Copy the snapshot's tags to the copy.
   * @default true
   */
  readonly copyTags?: boolean;
}

/** Fast snapshot restore: volumes created from the snapshots are fully initialized at once (billed per AZ-hour). */
export interface FastSnapshotRestore {
  /** Availability Zones (1-10) of the source region, for example `us-east-1a`. */
  readonly availabilityZones: string[];
  /**
   * How many of the latest snapshots, or for how long, keep fast restore enabled.
   * @default SnapshotRetention.count(1) - only the latest snapshot
   */
  readonly retention?: SnapshotRetention;
}

/** Sharing of the snapshots with other accounts. */
export interface SnapshotShare {
  /** The 12-digit accounts that may use the snapshots. */
  readonly accounts: string[];
  /**
   * Stop sharing each snapshot after this age.
   * @default - shared for as long as the snapshot exists
   */
  readonly unshareAfter?: SnapshotRetention;
}

/** Options every schedule takes. */
export interface SnapshotScheduleOptions {
  /**
   * Name of the schedule, unique in the policy (letters, digits, spaces, `_` and `-`, at most 120).
   * @default - derived from the schedule, for example `Daily 0300 UTC`
   */
  readonly name?: string;
  /**
   * How many or how long snapshots are kept in the standard tier.
   * @default - a week of snapshots for hourly and daily schedules (`days(7)` / `count(7)`),
   * `count(4)` for weekly, `count(12)` for monthly and `count(7)` for cron schedules
   */
  readonly retention?: SnapshotRetention;
  /**
   * Copy the source volume's tags (for example `Name`) to its snapshots.
   * @default true
   */
  readonly copyTags?: boolean;
  /**
   * Tags added to every snapshot (at most 45; keys may not start with `aws:`).
   * @default - none
   */
  readonly tagsToAdd?: CfnTag[];
  /**
   * Tags whose value DLM fills in: `$(instance-id)` or `$(timestamp)` (at most 45; INSTANCE policies only).
   * @default - none
   */
  readonly variableTags?: CfnTag[];
  /**
   * Copies to other regions (at most 3), each with its own retention.
   * @default - no copies
   */
  readonly copies?: SnapshotCopy[];
  /**
   * Fast snapshot restore of the latest snapshots in chosen AZs.
   * @default - off
   */
  readonly fastRestore?: FastSnapshotRestore;
  /**
   * Move snapshots to the archive tier when they leave the standard tier, and keep them there
   * this long (at least 90 days). VOLUME policies with a schedule that runs at most every 28
   * days only; count retention for a count-based schedule, age for an age-based one.
   * @default - snapshots are deleted when they leave the standard tier
   */
  readonly archive?: SnapshotRetention;
  /**
   * Share the snapshots with other accounts (one share rule per schedule).
   * @default - not shared
   */
  readonly share?: SnapshotShare;
}

/** Options of a schedule that runs every few hours. */
export interface IntervalScheduleOptions extends SnapshotScheduleOptions {
  /**
   * First run of the day, `hh:mm` in UTC; later runs follow every interval. DLM starts each
   * run within the hour after its time.
   * @default '00:00'
   */
  readonly startTime?: string;
}

/** Options of a daily schedule. */
export interface DailyScheduleOptions extends SnapshotScheduleOptions {
  /**
   * Hour of the run in UTC (0-23).
   * @default 3
   */
  readonly hour?: number;
  /**
   * Minute of the run (0-59).
   * @default 0
   */
  readonly minute?: number;
}

/** Day of the week of a weekly schedule. */
export enum SnapshotWeekDay {
  SUNDAY = 'SUN',
  MONDAY = 'MON',
  TUESDAY = 'TUE',
  WEDNESDAY = 'WED',
  THURSDAY = 'THU',
  FRIDAY = 'FRI',
  SATURDAY = 'SAT',
}

/** Options of a weekly schedule. */
export interface WeeklyScheduleOptions extends DailyScheduleOptions {
  /**
   * Day of the run.
   * @default SnapshotWeekDay.SUNDAY
   */
  readonly weekDay?: SnapshotWeekDay;
}

/** Options of a monthly schedule. */
export interface MonthlyScheduleOptions extends DailyScheduleOptions {
  /**
   * Day of the month (1-28, so that every month has it; use `SnapshotSchedule.cron` for `L`, the last day).
   * @default 1
   */
  readonly dayOfMonth?: number;
}

/** Facts about the policy a schedule is checked against. @internal */
export interface ScheduleContext {
  readonly property: string;
  readonly resourceType: string;
  readonly sourceRegion: string;
  /** Whether a protected volume is encrypted with a customer-managed key. */
  readonly sourceHasCmk: boolean;
}

const INTERVALS = [1, 2, 3, 4, 6, 8, 12, 24];
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const NAME = /^[0-9A-Za-z _-]+$/;
const VARIABLE_VALUES = ['$(instance-id)', '$(timestamp)'];
/**
 * A number as text. A deploy-time number (a Token) becomes a string Token, so checks see it as
 * unresolved and the template gets a reference: `${n}` would give its raw encoding (-1.888...e+289),
 * which `Token.isUnresolved` does not recognize in a string.
 */
const text = (n: number): string => (Token.isUnresolved(n) ? Tokenization.stringifyNumber(n) : String(n));
const pad = (n: number) => String(n).padStart(2, '0');
/** `hhmm` of a schedule name; with a deploy-time hour or minute, `<h>h<m>m` (padding needs the value). */
const hhmm = (h: number, m: number) => (Token.isUnresolved(h) || Token.isUnresolved(m) ? `${text(h)}h${text(m)}m` : `${pad(h)}${pad(m)}`);

/**
 * When snapshots are taken and what happens to them: retention, copies to other regions,
 * fast snapshot restore, archive tier and sharing. A policy has one to four schedules.
 */
export class SnapshotSchedule {
  /**
   * Every `hours` hours (1, 2, 3, 4, 6, 8, 12 or 24) from a start time in UTC.
   * Default retention: 7 days.
   */
  public static every(hours: number, options: IntervalScheduleOptions = {}): SnapshotSchedule {
    const start = options.startTime ?? '00:00';
    return new SnapshotSchedule(options, `Every ${text(hours)}h from ${start.replace(':', '')} UTC`, SnapshotRetention.days(7), hours, start);
  }

  /** Once a day (default 03:00 UTC). Default retention: 7 snapshots. */
  public static daily(options: DailyScheduleOptions = {}): SnapshotSchedule {
    const [h, m] = [options.hour ?? 3, options.minute ?? 0];
    return new SnapshotSchedule(options, `Daily ${hhmm(h, m)} UTC`, SnapshotRetention.count(7),
      undefined, undefined, `cron(${text(m)} ${text(h)} * * ? *)`, { hour: h, minute: m });
  }

  /** Once a week (default Sunday 03:00 UTC). Default retention: 4 snapshots. */
  public static weekly(options: WeeklyScheduleOptions = {}): SnapshotSchedule {
    const [h, m, d] = [options.hour ?? 3, options.minute ?? 0, options.weekDay ?? SnapshotWeekDay.SUNDAY];
    return new SnapshotSchedule(options, `Weekly ${d} ${hhmm(h, m)} UTC`, SnapshotRetention.count(4),
      undefined, undefined, `cron(${text(m)} ${text(h)} ? * ${d} *)`, { hour: h, minute: m });
  }

  /** Once a month (default the 1st at 03:00 UTC); the schedule archiving needs. Default retention: 12 snapshots. */
  public static monthly(options: MonthlyScheduleOptions = {}): SnapshotSchedule {
    const [h, m, d] = [options.hour ?? 3, options.minute ?? 0, options.dayOfMonth ?? 1];
    return new SnapshotSchedule(options, `Monthly day ${text(d)} ${hhmm(h, m)} UTC`, SnapshotRetention.count(12),
      undefined, undefined, `cron(${text(m)} ${text(h)} ${text(d)} * ? *)`, { hour: h, minute: m, dayOfMonth: d });
  }

  /**
   * A cron expression in UTC, for example `cron(0 3 ? * MON-FRI *)`: at most once an hour,
   * at least once a year. Default retention: 7 snapshots.
   */
  public static cron(expression: string, options: SnapshotScheduleOptions = {}): SnapshotSchedule {
    return new SnapshotSchedule(options, undefined, SnapshotRetention.count(7), undefined, undefined, expression);
  }

  /** The standard-tier retention the schedule applies. */
  public readonly retention: SnapshotRetention;

  private constructor(
    private readonly options: SnapshotScheduleOptions,
    private readonly defaultName: string | undefined,
    defaultRetention: SnapshotRetention,
    /** Hours between runs, for interval schedules. */
    public readonly intervalHours?: number,
    /** Start time `hh:mm` UTC, for interval schedules. */
    public readonly startTime?: string,
    /** The cron expression, for cron-based schedules. */
    public readonly expression?: string,
    private readonly fields: { hour?: number; minute?: number; dayOfMonth?: number } = {},
  ) {
    this.retention = options.retention ?? defaultRetention;
  }

  /** The schedule's name in the policy. @internal */
  public _name(index: number): string {
    return this.options.name ?? this.defaultName ?? `Schedule ${index + 1}`;
  }

  /** Whether the schedule copies, fast-restores, shares or archives. @internal */
  public _features(): { copyRegions: string[]; copyKeys: kms.IKey[]; fastRestore: boolean; share: boolean; archive: boolean } {
    const copies = this.options.copies ?? [];
    return {
      copyRegions: copies.map((c) => c.region),
      copyKeys: copies.flatMap((c) => (c.encryptionKey ? [c.encryptionKey] : [])),
      fastRestore: this.options.fastRestore !== undefined,
      share: this.options.share !== undefined,
      archive: this.options.archive !== undefined,
    };
  }

  /** Accounts the snapshots are shared with. @internal */
  public _shareAccounts(): string[] {
    return this.options.share?.accounts ?? [];
  }

  /** A short description for acknowledgements and docs, for example `Daily 0300 UTC, keeps 7 snapshots`. @internal */
  public _describe(index: number): string {
    return `${this._name(index)}, keeps ${this.retention}`;
  }

  /** Checks every DLM limit of the schedule. @internal */
  public _validate(scope: IConstruct, ctx: ScheduleContext, index: number): void {
    const p = ctx.property;
    const o = this.options;
    const name = this._name(index);
    checkPattern(scope, `${p}.name`, name, NAME, "letters, digits, spaces, '_' and '-'", 'DLM schedule names allow no other characters.');
    checkLength(scope, `${p}.name`, name, 1, 120);

    let minDaysBetweenRuns: number | undefined;
    if (this.intervalHours !== undefined) {
      checkOneOf(scope, `${p}: every(hours)`, this.intervalHours, INTERVALS,
        'DLM runs interval schedules every 1, 2, 3, 4, 6, 8, 12 or 24 hours; use SnapshotSchedule.cron(...) for other patterns.');
      checkPattern(scope, `${p}.startTime`, this.startTime, HHMM, "a UTC time 'hh:mm' such as '03:00'");
    } else if (this.expression !== undefined) {
      checkRange(scope, { property: `${p}.hour`, value: this.fields.hour, min: 0, max: 23 });
      checkRange(scope, { property: `${p}.minute`, value: this.fields.minute, min: 0, max: 59 });
      checkRange(scope, {
        property: `${p}.dayOfMonth`, value: this.fields.dayOfMonth, min: 1, max: 28,
        fix: "Days 29-31 are missing in some months; use SnapshotSchedule.cron('cron(0 3 L * ? *)') for the last day.",
      });
      if (isKnown(this.expression)) minDaysBetweenRuns = checkDlmCron(scope, `${p}.expression`, this.expression).minDaysBetweenRuns;
    }

    // Standard retention: 0 only archives at once; copies, fast restore and sharing need a snapshot to act on.
    const needsOne = (o.copies?.length ?? 0) > 0 || o.fastRestore !== undefined || o.share !== undefined;
    const min = needsOne ? 1 : o.archive ? 0 : 1;
    const why = needsOne
      ? 'Copies, fast snapshot restore and sharing act on snapshots kept in the standard tier, so keep at least 1.'
      : o.archive ? undefined : 'Retention 0 is allowed only with an archive rule (archive at once).';
    this.retention._check(scope, `${p}.retention`, min, why);

    this.checkTags(scope, `${p}.tagsToAdd`, o.tagsToAdd);
    this.checkTags(scope, `${p}.variableTags`, o.variableTags);
    if (o.variableTags?.length && ctx.resourceType !== 'INSTANCE') {
      invalid(scope, `${p}.variableTags`, o.variableTags.map((t) => t.key).join(','), 'used on INSTANCE policies only',
        'DLM fills in variable tags from the instance; remove them or target instances.');
    }
    for (const tag of o.variableTags ?? []) {
      checkOneOf(scope, `${p}.variableTags[${tag.key}]`, tag.value, VARIABLE_VALUES);
    }

    this.validateCopies(scope, ctx);
    this.validateFastRestore(scope, ctx);
    this.validateArchive(scope, ctx, minDaysBetweenRuns);
    if (o.share) {
      checkCount(scope, `${p}.share.accounts`, o.share.accounts, 1, 50);
      o.share.accounts.forEach((a, i) => checkAccountId(scope, `${p}.share.accounts[${i}]`, a));
      if (o.share.unshareAfter) {
        o.share.unshareAfter._requireAge(scope, `${p}.share.unshareAfter`);
        o.share.unshareAfter._check(scope, `${p}.share.unshareAfter`, 1);
      }
    }
  }

  private checkTags(scope: IConstruct, property: string, tags: CfnTag[] | undefined): void {
    checkCount(scope, property, tags, 0, 45, 'DLM adds at most 45 tags of each kind to a snapshot.');
    const seen = new Set<string>();
    for (const tag of tags ?? []) {
      checkLength(scope, `${property}[${tag.key}].key`, tag.key, 1, 128);
      checkLength(scope, `${property}[${tag.key}].value`, tag.value, 0, 256);
      if (isKnown(tag.key) && tag.key.toLowerCase().startsWith('aws:')) {
        invalid(scope, `${property}[${tag.key}].key`, tag.key, "a key that does not start with 'aws:'", 'The aws: prefix is reserved for AWS.');
      }
      if (seen.has(tag.key)) invalid(scope, property, tag.key, 'unique tag keys');
      seen.add(tag.key);
    }
  }

  private validateCopies(scope: IConstruct, ctx: ScheduleContext): void {
    const copies = this.options.copies ?? [];
    const p = `${ctx.property}.copies`;
    checkCount(scope, p, copies, 0, 3, 'DLM copies each schedule to at most 3 regions.');
    const regions = new Set<string>();
    copies.forEach((copy, i) => {
      const q = `${p}[${i}]`;
      checkRegion(scope, `${q}.region`, copy.region);
      if (regions.has(copy.region)) invalid(scope, `${q}.region`, copy.region, 'a region not already copied to by this schedule');
      regions.add(copy.region);
      if (isKnown(copy.region) && isKnown(ctx.sourceRegion) && copy.region === ctx.sourceRegion) {
        invalid(scope, `${q}.region`, copy.region, 'another region than the policy\'s own', 'Copies protect against a regional outage; use a different region.');
      }
      const keyRegion = copy.encryptionKey?.env.region;
      if (keyRegion !== undefined && isKnown(keyRegion) && isKnown(copy.region) && keyRegion !== copy.region) {
        invalid(scope, `${q}.encryptionKey`, keyRegion, `a key in the target region ${copy.region}`,
          "KMS keys are regional: import the target region's key with kms.Key.fromKeyArn(...).");
      }
      if (ctx.sourceHasCmk) this._checkCopyKeys(scope, ctx.property);
      const retention = copy.retention ?? (this.retention.isCount ? undefined : this.retention);
      if (!retention) {
        invalid(scope, `${q}.retention`, undefined, 'an age (SnapshotRetention.days/weeks/months/years)',
          'The schedule keeps a count of snapshots, but DLM keeps copies by age only: set the copy retention.');
      }
      retention!._requireAge(scope, `${q}.retention`);
      retention!._check(scope, `${q}.retention`, 1);
    });
  }

  /** Copies of volumes under a customer-managed key need one in the target region too. @internal */
  public _checkCopyKeys(scope: IConstruct, property: string): void {
    (this.options.copies ?? []).forEach((copy, i) => {
      if (!copy.encryptionKey) {
        invalid(scope, `${property}.copies[${i}].encryptionKey`, undefined, 'a customer-managed key in the target region',
          'The source volumes use a customer-managed key; give the copies one too so they do not fall back to the default EBS key.');
      }
    });
  }

  private validateFastRestore(scope: IConstruct, ctx: ScheduleContext): void {
    const fsr = this.options.fastRestore;
    if (!fsr) return;
    const p = `${ctx.property}.fastRestore`;
    checkCount(scope, `${p}.availabilityZones`, fsr.availabilityZones, 1, 10, 'DLM enables fast snapshot restore in 1 to 10 AZs.');
    const seen = new Set<string>();
    fsr.availabilityZones.forEach((az, i) => {
      checkAvailabilityZone(scope, `${p}.availabilityZones[${i}]`, az);
      if (isKnown(az) && isKnown(ctx.sourceRegion) && !az.startsWith(ctx.sourceRegion)) {
        invalid(scope, `${p}.availabilityZones[${i}]`, az, `an Availability Zone of ${ctx.sourceRegion}`);
      }
      if (isKnown(az) && seen.has(az)) invalid(scope, `${p}.availabilityZones`, az, 'unique Availability Zones');
      seen.add(az);
    });
    fsr.retention?._check(scope, `${p}.retention`, 1);
  }

  private validateArchive(scope: IConstruct, ctx: ScheduleContext, minDaysBetweenRuns: number | undefined): void {
    const archive = this.options.archive;
    if (!archive) return;
    const p = `${ctx.property}.archive`;
    if (ctx.resourceType !== 'VOLUME') {
      invalid(scope, p, archive.toString(), 'used on VOLUME policies only', 'DLM archives snapshots of volume policies only.');
    }
    if (this.intervalHours !== undefined || (this.expression !== undefined && isKnown(this.expression) && minDaysBetweenRuns === undefined)) {
      invalid(scope, p, this.expression ?? `every ${this.intervalHours}h`, 'on a schedule that runs at most every 28 days',
        'Use SnapshotSchedule.monthly(...) or a cron with one day of the month.');
    }
    if (archive.isCount !== this.retention.isCount) {
      invalid(scope, `${p}`, archive.toString(), this.retention.isCount ? 'a count, like the schedule\'s retention' : 'an age, like the schedule\'s retention',
        'DLM archives count-based schedules by count and age-based ones by age.');
    }
    archive._check(scope, p, 1);
    const fix = 'Archived snapshots are billed for at least 90 days; DLM refuses shorter archive retention.';
    if (archive.isCount) {
      if (isKnown(archive.countValue) && minDaysBetweenRuns !== undefined && archive.countValue! * minDaysBetweenRuns < 90) {
        invalid(scope, p, archive.toString(),
          `at least ${Math.ceil(90 / minDaysBetweenRuns)} snapshots (runs can be ${minDaysBetweenRuns} days apart, and each must stay archived 90 days)`, fix);
      }
    } else if (isKnown(archive.interval) && archive._ageInDays()! < 90) {
      invalid(scope, p, archive.toString(), 'at least 90 days', fix);
    }
  }

  /** The CloudFormation schedule. @internal */
  public _render(index: number, scripts: dlm.CfnLifecyclePolicy.ScriptProperty[] | undefined): dlm.CfnLifecyclePolicy.ScheduleProperty {
    const o = this.options;
    const createRule: dlm.CfnLifecyclePolicy.CreateRuleProperty = this.intervalHours !== undefined
      ? { interval: this.intervalHours, intervalUnit: 'HOURS', times: [this.startTime!], location: 'CLOUD', scripts }
      : { cronExpression: this.expression, location: 'CLOUD', scripts };
    const fsr = o.fastRestore;
    const fsrRetention = fsr ? (fsr.retention ?? SnapshotRetention.count(1))._renderRetainRule() : undefined;
    return {
      name: this._name(index),
      copyTags: o.copyTags ?? true,
      createRule,
      retainRule: this.retention._renderRetainRule(),
      tagsToAdd: o.tagsToAdd?.length ? o.tagsToAdd : undefined,
      variableTags: o.variableTags?.length ? o.variableTags : undefined,
      crossRegionCopyRules: o.copies?.length ? o.copies.map((c) => {
        const r = (c.retention ?? this.retention)._renderRetainRule();
        return {
          target: c.region,
          encrypted: true,
          cmkArn: c.encryptionKey?.keyArn,
          copyTags: c.copyTags ?? true,
          retainRule: { interval: r.interval!, intervalUnit: r.intervalUnit! },
        };
      }) : undefined,
      fastRestoreRule: fsr ? { availabilityZones: fsr.availabilityZones, ...fsrRetention } : undefined,
      archiveRule: o.archive ? { retainRule: { retentionArchiveTier: o.archive._renderRetainRule() } } : undefined,
      shareRules: o.share ? [{
        targetAccounts: o.share.accounts,
        unshareInterval: o.share.unshareAfter?.interval,
        unshareIntervalUnit: o.share.unshareAfter?.unit,
      }] : undefined,
    };
  }
}
