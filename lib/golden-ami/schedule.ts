import { Token } from 'aws-cdk-lib';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import { IConstruct } from 'constructs';
import { parseCron } from '../core/cron';
import { checkRange, invalid, isKnown } from '../core/validation';

/** Options shared by every build schedule. */
export interface BuildScheduleOptions {
  /**
   * Build only when the cron matches AND the base image or a component has a newer version
   * than the last image (`EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE`). Image Builder
   * detects updates through semantic version filters (`x.x.x`); with an `ssm:` base image only
   * the AWS-managed components are tracked, so the default rebuilds on every match.
   * @default false - build whenever the expression matches (`EXPRESSION_MATCH_ONLY`)
   */
  readonly onlyWhenDependenciesUpdated?: boolean;
  /**
   * Disable the pipeline after this many consecutive failed scheduled builds (1-10).
   * @default 3
   */
  readonly autoDisableAfterFailures?: number;
  /**
   * IANA time zone of the expression, for example `Europe/Paris`.
   * @default 'Etc/UTC'
   */
  readonly timezone?: string;
}

/** Fields of a cron schedule; each defaults as documented (AWS cron syntax). */
export interface BuildCronOptions extends BuildScheduleOptions {
  /** @default '0' */
  readonly minute?: string;
  /** @default '4' */
  readonly hour?: string;
  /** Day of month; give this or `weekDay`, not both. @default - every day when weekDay is not given */
  readonly day?: string;
  /** @default '*' */
  readonly month?: string;
  /** Day of week (1-7 or SUN-SAT); give this or `day`, not both. @default - any */
  readonly weekDay?: string;
  /** @default '*' */
  readonly year?: string;
}

/** When the pipeline builds on its own. */
export class BuildSchedule {
  /** Every Sunday at 04:00 UTC: picks up the week's patches and the latest base image. */
  public static weekly(options: BuildScheduleOptions = {}): BuildSchedule {
    return BuildSchedule.cron({ ...options, minute: '0', hour: '4', weekDay: 'SUN' });
  }

  /** A cron schedule from fields. */
  public static cron(options: BuildCronOptions): BuildSchedule {
    if (options.day !== undefined && options.weekDay !== undefined) {
      return new BuildSchedule(`cron(${options.minute ?? '0'} ${options.hour ?? '4'} ${options.day} ${options.month ?? '*'} ${options.weekDay} ${options.year ?? '*'})`, options);
    }
    const day = options.day ?? (options.weekDay === undefined ? '*' : '?');
    const weekDay = options.weekDay ?? '?';
    return new BuildSchedule(`cron(${options.minute ?? '0'} ${options.hour ?? '4'} ${day} ${options.month ?? '*'} ${weekDay} ${options.year ?? '*'})`, options);
  }

  /** A cron expression as Image Builder writes it, for example `cron(0 4 ? * SUN *)`. */
  public static expression(expression: string, options: BuildScheduleOptions = {}): BuildSchedule {
    return new BuildSchedule(expression, options);
  }

  /** No schedule: builds run on demand (console, CLI, `grantStartExecution`) or on deploy. */
  public static manual(): BuildSchedule {
    return new BuildSchedule(undefined, {});
  }

  private constructor(
    /** The cron expression, if any. */
    public readonly cronExpression: string | undefined,
    private readonly options: BuildScheduleOptions,
  ) {}

  /** Validates the schedule. @internal */
  public _validate(scope: IConstruct): void {
    if (this.cronExpression === undefined) return;
    checkCron(scope, this.cronExpression);
    checkRange(scope, {
      property: 'schedule.autoDisableAfterFailures', value: this.options.autoDisableAfterFailures, min: 1, max: 10,
      fix: 'Image Builder disables a pipeline after 1 to 10 consecutive failed scheduled runs.',
    });
    checkTimeZone(scope, 'schedule.timezone', this.options.timezone);
  }

  /** Renders a validated schedule. @internal */
  public _render(): imagebuilder.CfnImagePipeline.ScheduleProperty | undefined {
    if (this.cronExpression === undefined) return undefined;
    return {
      scheduleExpression: this.cronExpression,
      pipelineExecutionStartCondition: this.options.onlyWhenDependenciesUpdated
        ? 'EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE' : 'EXPRESSION_MATCH_ONLY',
      timezone: this.options.timezone ?? 'Etc/UTC',
      autoDisablePolicy: { failureCount: this.options.autoDisableAfterFailures ?? 3 },
    };
  }
}

/**
 * Checks an Image Builder cron expression: `cron(minutes hours day-of-month month day-of-week year)`,
 * exactly one of day-of-month and day-of-week is `?`, every value in its range.
 */
export function checkCron(scope: IConstruct, expression: string): void {
  if (Token.isUnresolved(expression)) return;
  parseCron(scope, {
    property: 'schedule',
    examples: "For example 'cron(0 4 ? * SUN *)' (Sundays 04:00) or 'cron(30 2 1 * ? *)' (the 1st of each month).",
    notCronHint: 'rate() is not supported by Image Builder',
  }, expression);
}

/**
 * Checks an IANA time zone name with the runtime's own time zone database. `Intl.supportedValuesOf`
 * is not used: Node 20 leaves `UTC` and `Etc/UTC` out of it, though both are valid.
 */
export function checkTimeZone(scope: IConstruct, property: string, timezone: string | undefined): void {
  if (timezone === undefined || !isKnown(timezone)) return;
  let canonical: string | undefined;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    invalid(scope, property, timezone, "an IANA time zone such as 'Etc/UTC' or 'Europe/Paris'",
      'Image Builder takes names of the IANA time zone database, not offsets or abbreviations.');
  }
  if (canonical && canonical !== timezone && canonical.toLowerCase() === timezone.toLowerCase()) {
    invalid(scope, property, timezone, `the IANA name as written in the database, '${canonical}'`);
  }
}
