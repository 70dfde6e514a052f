import { Token, Tokenization } from 'aws-cdk-lib';
import * as dlm from 'aws-cdk-lib/aws-dlm';
import { IConstruct } from 'constructs';
import { checkRange, invalid } from '../core/validation';

/** Most DLM age values allow 100 years, written in any unit (CloudFormation RetainRule.Interval). */
const MAX_BY_UNIT: { [unit: string]: number } = { DAYS: 36500, WEEKS: 5200, MONTHS: 1200, YEARS: 100 };
/** Days per unit, for the archive's 90-day minimum (DLM counts 100 years as 1200 months or 36500 days). */
const DAYS_PER_UNIT: { [unit: string]: number } = { DAYS: 1, WEEKS: 7, MONTHS: 30, YEARS: 365 };

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

  /** Human-readable form, for example `7 snapshots` or `30 days`. */
  public toString(): string {
    const n = this.isCount ? this.countValue! : this.interval!;
    // A deploy-time number becomes a string Token (a reference in the template), not its raw encoding.
    const shown = Token.isUnresolved(n) ? Tokenization.stringifyNumber(n) : String(n);
    return this.isCount ? `${shown} snapshots` : `${shown} ${this.unit!.toLowerCase()}`;
  }

  /** The age in days (months as 30, years as 365), or undefined for a count. @internal */
  public _ageInDays(): number | undefined {
    return this.isCount ? undefined : this.interval! * DAYS_PER_UNIT[this.unit!];
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
