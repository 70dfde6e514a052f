import { Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as dlm from 'aws-cdk-lib/aws-dlm';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import {
  checkAccountId, checkAvailabilityZone, checkCount, checkLength, checkOneOf, checkPattern, checkRange, checkRegion, checkTags, invalid, isKnown,
} from '../core/validation';
import { minSpanHours } from './calendar';
import { checkDlmCron } from './cron';
import { SnapshotRetention } from './retention';
import {
  DailyScheduleOptions, IntervalScheduleOptions, MonthlyScheduleOptions, SnapshotScheduleOptions, SnapshotWeekDay, WeeklyScheduleOptions,
} from './schedule-options';

/** Facts about the policy a schedule is checked against. @internal */
export interface ScheduleContext {
  readonly property: string;
  readonly resourceType: string;
  readonly sourceRegion: string;
  /** Whether a protected volume is encrypted with a customer-managed key. */
  readonly sourceHasCmk: boolean;
  /** Whether the policy runs Windows VSS backups (no copy tags then). */
  readonly vss: boolean;
  /** Whether the policy makes EBS-backed AMIs (IMAGE_MANAGEMENT) instead of snapshots. */
  readonly images?: boolean;
}

const INTERVALS = [1, 2, 3, 4, 6, 8, 12, 24];
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const NAME = /^[0-9A-Za-z _-]+$/;
const VARIABLE_VALUES = ['$(instance-id)', '$(timestamp)'];
/** Availability Zone id, for example `use1-az1` (EC2 "AZ IDs"). */
const AZ_ID = /^[a-z]{2,4}\d{1,2}-az\d{1,2}$/;
const DAY_HOURS = 24;
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
   * Default retention: a week of snapshots by count (`count(168 / hours)`).
   */
  public static every(hours: number, options: IntervalScheduleOptions = {}): SnapshotSchedule {
    const start = options.startTime ?? '00:00';
    // A week of snapshots, by count like the other schedules' defaults (a policy keeps one retention kind).
    const week = isKnown(hours) && hours > 0 ? SnapshotRetention.count(Math.ceil(168 / hours)) : SnapshotRetention.days(7);
    return new SnapshotSchedule(options, 'Interval', `every ${text(hours)}h from ${start} UTC`, week, hours, start);
  }

  /** Once a day (default 03:00 UTC). Default retention: 7 snapshots. */
  public static daily(options: DailyScheduleOptions = {}): SnapshotSchedule {
    const [h, m] = [options.hour ?? 3, options.minute ?? 0];
    return new SnapshotSchedule(options, 'Daily', `daily ${hhmm(h, m)} UTC`, SnapshotRetention.count(7),
      undefined, undefined, `cron(${text(m)} ${text(h)} * * ? *)`, { hour: h, minute: m });
  }

  /** Once a week (default Sunday 03:00 UTC). Default retention: 4 snapshots. */
  public static weekly(options: WeeklyScheduleOptions = {}): SnapshotSchedule {
    const [h, m, d] = [options.hour ?? 3, options.minute ?? 0, options.weekDay ?? SnapshotWeekDay.SUNDAY];
    return new SnapshotSchedule(options, 'Weekly', `weekly ${d} ${hhmm(h, m)} UTC`, SnapshotRetention.count(4),
      undefined, undefined, `cron(${text(m)} ${text(h)} ? * ${d} *)`, { hour: h, minute: m });
  }

  /** Once a month (default the 1st at 03:00 UTC); the schedule archiving needs. Default retention: 12 snapshots. */
  public static monthly(options: MonthlyScheduleOptions = {}): SnapshotSchedule {
    const [h, m, d] = [options.hour ?? 3, options.minute ?? 0, options.dayOfMonth ?? 1];
    return new SnapshotSchedule(options, 'Monthly', `monthly day ${text(d)} ${hhmm(h, m)} UTC`, SnapshotRetention.count(12),
      undefined, undefined, `cron(${text(m)} ${text(h)} ${text(d)} * ? *)`, { hour: h, minute: m, dayOfMonth: d });
  }

  /**
   * A cron expression in UTC, for example `cron(0 3 ? * MON-FRI *)`: at most once an hour,
   * at least once a year. Default retention: 7 snapshots.
   */
  public static cron(expression: string, options: SnapshotScheduleOptions = {}): SnapshotSchedule {
    return new SnapshotSchedule(options, 'Cron', expression, SnapshotRetention.count(7), undefined, undefined, expression);
  }

  /** The standard-tier retention the schedule applies. */
  public readonly retention: SnapshotRetention;

  private constructor(
    private readonly options: SnapshotScheduleOptions,
    private readonly defaultName: string,
    /** When it runs, in words, for descriptions. */
    private readonly timing: string,
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
  public _name(): string {
    return this.options.name ?? this.defaultName;
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

  /** A short description for acknowledgements and docs, for example `Daily (daily 0300 UTC), keeps 7 snapshots`. @internal */
  public _describe(): string {
    return `${this._name()} (${this.timing}), keeps ${this.retention}`;
  }

  /**
   * The shortest time a snapshot of this schedule is kept in the standard tier, in hours:
   * the age, or for a count the shortest time that many runs can span; undefined when unknown. @internal
   */
  public _minRetentionHours(): number | undefined {
    const minDays = this.retention._minDays();
    if (minDays !== undefined) return minDays * DAY_HOURS;
    return this.minSpanHours(this.retention.countValue);
  }

  /** The shortest time from one run to the n-th after it, in hours; undefined when unknown. */
  private minSpanHours(n: number | undefined): number | undefined {
    if (n === undefined || !isKnown(n) || n < 1) return undefined;
    if (this.intervalHours !== undefined) return isKnown(this.intervalHours) ? n * this.intervalHours : undefined;
    return this.expression !== undefined && isKnown(this.expression) ? minSpanHours(this.expression, n) : undefined;
  }

  /** Checks every DLM limit of the schedule. @internal */
  public _validate(scope: IConstruct, ctx: ScheduleContext): void {
    const p = ctx.property;
    const o = this.options;
    const name = this._name();
    checkPattern(scope, `${p}.name`, name, NAME, "letters, digits, spaces, '_' and '-'", 'DLM schedule names allow no other characters.');
    checkLength(scope, `${p}.name`, name, 1, 120);

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
      if (isKnown(this.expression)) checkDlmCron(scope, `${p}.expression`, this.expression);
    }

    // Standard retention: 0 only archives at once; copies, fast restore and sharing need a snapshot to act on.
    const needsOne = (o.copies?.length ?? 0) > 0 || o.fastRestore !== undefined || o.share !== undefined;
    const min = needsOne ? 1 : o.archive ? 0 : 1;
    const why = needsOne
      ? 'Copies, fast snapshot restore and sharing act on snapshots kept in the standard tier, so keep at least 1.'
      : o.archive ? undefined : 'Retention 0 is allowed only with an archive rule (archive at once).';
    this.retention._check(scope, `${p}.retention`, min, why);

    const fix = 'DLM adds at most 45 tags of each kind to a snapshot.';
    checkTags(scope, `${p}.tagsToAdd`, o.tagsToAdd, 45, fix);
    checkTags(scope, `${p}.variableTags`, o.variableTags, 45, fix);
    if (o.variableTags?.length && ctx.resourceType !== 'INSTANCE') {
      invalid(scope, `${p}.variableTags`, o.variableTags.map((t) => t.key).join(','), 'used on INSTANCE policies only',
        'DLM fills in variable tags from the instance; remove them or target instances.');
    }
    for (const tag of o.variableTags ?? []) {
      checkOneOf(scope, `${p}.variableTags[${tag.key}]`, tag.value, VARIABLE_VALUES);
    }

    this.validateImageRules(scope, ctx);
    this.validateCopies(scope, ctx);
    this.validateFastRestore(scope, ctx);
    this.validateArchive(scope, ctx);
    this.validateShare(scope, ctx);
    // DLM user guide, VSS backups: no copy tags on VSS schedules.
    if (ctx.vss && o.copyTags === true) {
      invalid(scope, `${p}.copyTags`, true, 'left out on a policy with SnapshotScripts.windowsVss()',
        'DLM copies no volume tags to VSS snapshots; add the tags you need with tagsToAdd.');
    }
  }

  /**
   * AMI policies (DLM API reference, Schedule: fast restore, archive and share rules are for
   * snapshot policies only; VariableTags `$(timestamp)` is for snapshot policies only;
   * DeprecateRule: "[Custom AMI policies only]", a count no greater than the retention count, an
   * age no longer than the retention and at most 10 years).
   */
  private validateImageRules(scope: IConstruct, ctx: ScheduleContext): void {
    const o = this.options;
    const p = ctx.property;
    if (!ctx.images) {
      if (o.deprecateAfter) invalid(scope, `${p}.deprecateAfter`, o.deprecateAfter.toString(), 'used in an InstanceImagePolicy only', 'Snapshots are not deprecated; AMIs are.');
      return;
    }
    const f = this._features();
    for (const [given, what] of [[f.fastRestore, 'fastRestore'], [f.archive, 'archive'], [f.share, 'share']] as Array<[boolean, string]>) {
      if (given) invalid(scope, `${p}.${what}`, 'set', 'left out of an AMI policy', 'DLM has this rule for snapshot policies only.');
    }
    for (const tag of o.variableTags ?? []) {
      if (tag.value === '$(timestamp)') invalid(scope, `${p}.variableTags[${tag.key}]`, tag.value, "'$(instance-id)' in an AMI policy", '$(timestamp) is for snapshot policies only.');
    }
    const d = o.deprecateAfter;
    if (!d) return;
    if (d.isCount !== this.retention.isCount) {
      invalid(scope, `${p}.deprecateAfter`, d.toString(), this.retention.isCount ? "a count, like the schedule's retention" : "an age, like the schedule's retention");
    }
    if (d.isCount) {
      checkRange(scope, { property: `${p}.deprecateAfter.count`, value: d.countValue, min: 1, max: isKnown(this.retention.countValue) ? this.retention.countValue! : 1000,
        fix: 'DLM deprecates at most as many AMIs as the schedule keeps.' });
    } else {
      d._check(scope, `${p}.deprecateAfter`, 1);
      const maxDays = d._maxDays();
      const keptDays = this.retention._minDays();
      const sameUnit = d.unit === this.retention.unit && isKnown(d.interval) && isKnown(this.retention.interval);
      if (maxDays !== undefined && maxDays > 3653) invalid(scope, `${p}.deprecateAfter`, d.toString(), 'at most 10 years (3650 days, 520 weeks, 120 months)');
      if (sameUnit ? d.interval! > this.retention.interval! : (maxDays !== undefined && keptDays !== undefined && maxDays > keptDays)) {
        invalid(scope, `${p}.deprecateAfter`, d.toString(), `no longer than the retention (${this.retention})`, 'An AMI is deregistered at the end of its retention.');
      }
    }
  }

  /**
   * Unshare after at most the retention (DLM user guide, "Cross-account sharing": the unshare
   * period "cannot be longer than the period for which the policy retains its snapshots"; 5 days
   * kept allow up to 4 days shared, for count- and age-based retention alike).
   */
  private validateShare(scope: IConstruct, ctx: ScheduleContext): void {
    const share = this.options.share;
    if (!share) return;
    const p = `${ctx.property}.share`;
    checkCount(scope, `${p}.accounts`, share.accounts, 1, 50);
    share.accounts.forEach((a, i) => checkAccountId(scope, `${p}.accounts[${i}]`, a));
    const unshare = share.unshareAfter;
    if (!unshare) return;
    unshare._requireAge(scope, `${p}.unshareAfter`);
    unshare._check(scope, `${p}.unshareAfter`, 1);
    const sameUnit = !this.retention.isCount && this.retention.unit === unshare.unit;
    const kept = this._minRetentionHours();
    const shared = unshare._maxDays();
    const tooLong = sameUnit
      ? isKnown(unshare.interval) && isKnown(this.retention.interval) && unshare.interval! >= this.retention.interval!
      : kept !== undefined && shared !== undefined && shared * DAY_HOURS >= kept;
    if (tooLong) {
      invalid(scope, `${p}.unshareAfter`, unshare.toString(), `shorter than the time snapshots are kept (${this.retention}${
        this.retention.isCount && kept !== undefined ? `, as little as ${Math.floor(kept / DAY_HOURS)} days` : ''})`,
      'DLM unshares snapshots before it deletes them: shorten unshareAfter or keep snapshots longer.');
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
      if (copy.encryptionKey && JSON.stringify(Stack.of(scope).resolve(copy.encryptionKey.keyArn)).includes(':alias/')) {
        invalid(scope, `${q}.encryptionKey`, copy.encryptionKey.keyArn, "a key ARN ('arn:aws:kms:<region>:<account>:key/<key id>'), not an alias",
          'DLM CrossRegionCopyRule CmkArn takes the key ARN: import the key with kms.Key.fromKeyArn(...).');
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

  /**
   * Fast snapshot restore follows the schedule's retention kind (DLM user guide: "If the schedule
   * uses an age-based retention schedule, you must specify the period ...; if it uses count-based
   * retention, ... the maximum number of snapshots"); AZs by name or id (CloudFormation FastRestoreRule).
   */
  private validateFastRestore(scope: IConstruct, ctx: ScheduleContext): void {
    const fsr = this.options.fastRestore;
    if (!fsr) return;
    const p = `${ctx.property}.fastRestore`;
    if ((fsr.availabilityZones === undefined) === (fsr.availabilityZoneIds === undefined)) {
      invalid(scope, p, fsr.availabilityZones ? 'both' : 'neither', 'given availabilityZones or availabilityZoneIds (exactly one)');
    }
    const zones = fsr.availabilityZones ?? fsr.availabilityZoneIds!;
    const what = fsr.availabilityZones ? 'availabilityZones' : 'availabilityZoneIds';
    checkCount(scope, `${p}.${what}`, zones, 1, 10, 'DLM enables fast snapshot restore in 1 to 10 AZs.');
    const seen = new Set<string>();
    zones.forEach((az, i) => {
      if (fsr.availabilityZones) {
        checkAvailabilityZone(scope, `${p}.availabilityZones[${i}]`, az);
        if (isKnown(az) && isKnown(ctx.sourceRegion) && !az.startsWith(ctx.sourceRegion)) {
          invalid(scope, `${p}.availabilityZones[${i}]`, az, `an Availability Zone of ${ctx.sourceRegion}`);
        }
      } else {
        checkPattern(scope, `${p}.availabilityZoneIds[${i}]`, az, AZ_ID, 'an Availability Zone id such as use1-az1',
          'Find the ids with `aws ec2 describe-availability-zones --query AvailabilityZones[].ZoneId`.');
      }
      if (isKnown(az) && seen.has(az)) invalid(scope, `${p}.${what}`, az, 'unique Availability Zones');
      seen.add(az);
    });
    const retention = this.fastRestoreRetention();
    if (!retention) {
      invalid(scope, `${p}.retention`, undefined, 'an age (the schedule keeps snapshots by age)',
        'Set how long each snapshot keeps fast restore, for example SnapshotRetention.days(1).');
    }
    if (retention!.isCount !== this.retention.isCount) {
      invalid(scope, `${p}.retention`, retention!.toString(), this.retention.isCount ? "a count, like the schedule's retention" : "an age, like the schedule's retention",
        'DLM enables fast restore by count on count-based schedules and by age on age-based ones.');
    }
    retention!._check(scope, `${p}.retention`, 1);
  }

  private fastRestoreRetention(): SnapshotRetention | undefined {
    const fsr = this.options.fastRestore;
    return fsr?.retention ?? (fsr && this.retention.isCount ? SnapshotRetention.count(1) : undefined);
  }

  /**
   * DLM user guide, "Considerations for snapshot lifecycle policies" (snapshot archiving): VOLUME
   * policies only; through the API only a cron schedule creating at most every 28 days; at least 90
   * days in the archive tier; count-based schedules archive by count, age-based by age
   * (RetentionArchiveTier). A count must keep each snapshot archived 90 days: checked against the
   * calendar (a monthly schedule on the 1st spans 89 days from February to May, so it needs 4; a
   * quarterly one spans exactly 90 days from January to April, which a run late in its hour misses).
   */
  private validateArchive(scope: IConstruct, ctx: ScheduleContext): void {
    const archive = this.options.archive;
    if (!archive) return;
    const p = `${ctx.property}.archive`;
    if (ctx.resourceType !== 'VOLUME') {
      invalid(scope, p, archive.toString(), 'used on VOLUME policies only', 'DLM archives snapshots of volume policies only.');
    }
    const gap = this.minSpanHours(1);
    if (this.intervalHours !== undefined || (this.expression !== undefined && isKnown(this.expression) && (gap === undefined || gap < 28 * DAY_HOURS))) {
      invalid(scope, p, this.expression ?? `every ${this.intervalHours}h`, 'on a cron schedule that runs at most every 28 days',
        'Use SnapshotSchedule.monthly(...) or a cron with one day of the month (DLM\'s API archives only such schedules).');
    }
    if (archive.isCount !== this.retention.isCount) {
      invalid(scope, `${p}`, archive.toString(), this.retention.isCount ? 'a count, like the schedule\'s retention' : 'an age, like the schedule\'s retention',
        'DLM archives count-based schedules by count and age-based ones by age.');
    }
    archive._check(scope, p, 1);
    const fix = 'Archived snapshots are billed for at least 90 days; DLM refuses shorter archive retention.';
    const days = archive._minDays();
    if (archive.isCount && isKnown(archive.countValue)) {
      const needed = this.countFor90Days();
      if (needed !== undefined && archive.countValue! < needed) {
        const span = Math.floor(this.minSpanHours(archive.countValue!)! / DAY_HOURS);
        invalid(scope, p, archive.toString(), `at least ${needed} snapshots (${archive.countValue} runs of this schedule can span as little as ${span} days, `
          + 'and each snapshot must stay archived 90 days)', fix);
      }
    } else if (days !== undefined && days < 90) {
      invalid(scope, p, archive.toString(), `at least 90 days (${archive} can be as short as ${days} days)`, `${fix} Use SnapshotRetention.days(90) or longer.`);
    }
  }

  /** The smallest archive count whose runs span 90 days on every stretch of the calendar. */
  private countFor90Days(): number | undefined {
    for (let n = 1; n <= 1000; n++) {
      const span = this.minSpanHours(n);
      if (span === undefined) return undefined;
      // DLM starts each run within the hour after its time: a span of exactly 90 days can fall short.
      if (span >= 90 * DAY_HOURS + 1) return n;
    }
    return undefined;
  }

  /** The CloudFormation schedule. @internal */
  public _render(scripts: dlm.CfnLifecyclePolicy.ScriptProperty[] | undefined, vss: boolean): dlm.CfnLifecyclePolicy.ScheduleProperty {
    const o = this.options;
    const createRule: dlm.CfnLifecyclePolicy.CreateRuleProperty = this.intervalHours !== undefined
      ? { interval: this.intervalHours, intervalUnit: 'HOURS', times: [this.startTime!], location: 'CLOUD', scripts }
      : { cronExpression: this.expression, location: 'CLOUD', scripts };
    const fsr = o.fastRestore;
    const fsrRetention = this.fastRestoreRetention()?._renderRetainRule();
    return {
      name: this._name(),
      copyTags: vss ? undefined : o.copyTags ?? true,
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
      fastRestoreRule: fsr ? { availabilityZones: fsr.availabilityZones, availabilityZoneIds: fsr.availabilityZoneIds, ...fsrRetention } : undefined,
      archiveRule: o.archive ? { retainRule: { retentionArchiveTier: o.archive._renderRetainRule() } } : undefined,
      deprecateRule: o.deprecateAfter ? o.deprecateAfter._renderRetainRule() : undefined,
      shareRules: o.share ? [{
        targetAccounts: o.share.accounts,
        unshareInterval: o.share.unshareAfter?.interval,
        unshareIntervalUnit: o.share.unshareAfter?.unit,
      }] : undefined,
    };
  }
}
