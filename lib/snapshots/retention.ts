import { Token, Tokenization } from 'aws-cdk-lib';
import * as dlm from 'aws-cdk-lib/aws-dlm';
import { IConstruct } from 'constructs';
import { checkRange, invalid, isKnown } from '../core/validation';

/** Most DLM age values allow 100 years, written in any unit (CloudFormation RetainRule.Interval). */
const MAX_BY_UNIT: { [unit: string]: number } = { DAYS: 36500, WEEKS: 5200, MONTHS: 1200, YEARS: 100 };
/** Month lengths of a common year: an age in months is at its shortest when it starts on 1 February. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether a retention keeps a number of snapshots or keeps them for a time. */
export enum SnapshotRetentionKind {
  /** The latest N snapshots. */
  COUNT = 'COUNT',
  /** Snapshots younger than an age. */
  AGE = 'AGE',
}

/**
 * How long snapshots (or copies, fast restores, archived snapshots, shares) are kept:
 * the latest `count`, or those younger than an age. DLM needs this written out; left to the
 * service it fills in its own values and the stack drifts.
 */
export class SnapshotRetention {
  /** Keep the latest `count` snapshots of each volume (1-1000; 0 only with an archive rule: archive at once). */
  public static count(count: number): SnapshotRetention {
    return new SnapshotRetention(count, undefined, undefined);
  }

  /** Keep snapshots for `days` days (at most 36,500). */
  public static days(days: number): SnapshotRetention {
    return new SnapshotRetention(undefined, days, 'DAYS');
  }

  /** Keep snapshots for `weeks` weeks (at most 5,200). */
  public static weeks(weeks: number): SnapshotRetention {
    return new SnapshotRetention(undefined, weeks, 'WEEKS');
  }

  /** Keep snapshots for `months` months (at most 1,200). */
  public static months(months: number): SnapshotRetention {
    return new SnapshotRetention(undefined, months, 'MONTHS');
  }

  /** Keep snapshots for `years` years (at most 100). */
  public static years(years: number): SnapshotRetention {
    return new SnapshotRetention(undefined, years, 'YEARS');
  }

  private constructor(
    /** Number of snapshots kept, for count-based retention. */
    public readonly countValue: number | undefined,
    /** Age in `unit`, for age-based retention. */
    public readonly interval: number | undefined,
    /** DAYS, WEEKS, MONTHS or YEARS, for age-based retention. */
    public readonly unit: string | undefined,
  ) {}

  /** Whether the retention is by count (otherwise by age). */
  public get isCount(): boolean {
    return this.countValue !== undefined;
  }

  /** Count or age. DLM needs one kind for every schedule of a policy, and it cannot change after the policy exists. */
  public get kind(): SnapshotRetentionKind {
    return this.isCount ? SnapshotRetentionKind.COUNT : SnapshotRetentionKind.AGE;
  }

  /** Human-readable form, for example `7 snapshots` or `30 days`. */
  public toString(): string {
    const n = this.isCount ? this.countValue! : this.interval!;
    // A deploy-time number becomes a string Token (a reference in the template), not its raw encoding.
    const shown = Token.isUnresolved(n) ? Tokenization.stringifyNumber(n) : String(n);
    return this.isCount ? `${shown} snapshots` : `${shown} ${this.unit!.toLowerCase()}`;
  }

  /**
   * The shortest time the age can last, in days: months as the shortest run of calendar months
   * (3 months from 1 February are 89 days), years as 365 days; undefined for a count. @internal
   */
  public _minDays(): number | undefined {
    if (this.isCount || !isKnown(this.interval)) return undefined;
    const n = this.interval!;
    switch (this.unit) {
      case 'DAYS': return n;
      case 'WEEKS': return 7 * n;
      case 'YEARS': return 365 * n;
      default: {
        const whole = Math.floor(n / 12) * 365;
        const rest = n % 12;
        const runs = MONTH_DAYS.map((_, start) => Array.from({ length: rest }, (__, k) => MONTH_DAYS[(start + k) % 12]).reduce((a, b) => a + b, 0));
        return whole + Math.min(...runs);
      }
    }
  }

  /** The longest time the age can last, in days (months as 31, years as 366); undefined for a count. @internal */
  public _maxDays(): number | undefined {
    if (this.isCount || !isKnown(this.interval)) return undefined;
    return this.interval! * { DAYS: 1, WEEKS: 7, MONTHS: 31, YEARS: 366 }[this.unit!]!;
  }

  /**
   * Checks the range: count `min`-1000, or an age of `min`-100 years.
   * @internal
   */
  public _check(scope: IConstruct, property: string, min: number, fix?: string): void {
    if (this.isCount) {
      checkRange(scope, { property: `${property}.count`, value: this.countValue, min, max: 1000, fix });
    } else {
      checkRange(scope, {
        property: `${property}.${this.unit!.toLowerCase()}`, value: this.interval, min, max: MAX_BY_UNIT[this.unit!], fix,
      });
    }
  }

  /** Fails unless the retention is an age (cross-region copies and unsharing take no count). @internal */
  public _requireAge(scope: IConstruct, property: string): void {
    if (this.isCount) {
      invalid(scope, property, this.toString(), 'an age', 'Use SnapshotRetention.days/weeks/months/years(...): DLM accepts only an age here.');
    }
  }

  /** @internal */
  public _renderRetainRule(): dlm.CfnLifecyclePolicy.RetainRuleProperty {
    return this.isCount ? { count: this.countValue } : { interval: this.interval, intervalUnit: this.unit };
  }
}
