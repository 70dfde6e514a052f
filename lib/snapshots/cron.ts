import { IConstruct } from 'constructs';
import { cronError, parseCron } from '../core/cron';

/**
 * DLM cron expressions (EventBridge syntax): `cron(minutes hours day-of-month month day-of-week year)`,
 * 17-106 characters, one run per hour at most and one per year at least
 * (AWS::DLM::LifecyclePolicy CreateRule.CronExpression). Internal to the pattern.
 */

const EXAMPLES = "For example 'cron(0 3 * * ? *)' (daily 03:00 UTC), 'cron(0 3 ? * SUN *)' (Sundays) or 'cron(0 3 1 * ? *)' (monthly).";

/** Checks a DLM cron expression (when it runs is worked out in calendar.ts). */
export function checkDlmCron(scope: IConstruct, property: string, expression: string): void {
  const context = {
    property,
    examples: EXAMPLES,
    notCronHint: 'DLM takes no rate() expressions, use SnapshotSchedule.every(hours) instead',
  };
  const fail = (why: string): never => cronError(scope, context, expression, why);
  if (expression.length < 17 || expression.length > 106) {
    fail(`17-106 characters long, got ${expression.length}`);
  }
  const { minutes, year } = parseCron(scope, context, expression);
  // Two minute values always fall in the same hour: DLM needs at least one hour between runs.
  if (!/^\d{1,2}$/.test(minutes)) fail('runs at most once an hour: minutes must be a single value such as 0');
  // A restricted year makes the schedule stop: DLM needs a run at least once a year.
  if (year !== '*') fail("runs at least once a year: year must be '*'");
}
