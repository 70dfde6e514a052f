import { IConstruct } from 'constructs';
import { CRON_MONTHS, cronError, parseCron } from '../core/cron';

/**
 * DLM cron expressions (EventBridge syntax): `cron(minutes hours day-of-month month day-of-week year)`,
 * 17-106 characters, one run per hour at most and one per year at least
 * (AWS::DLM::LifecyclePolicy CreateRule.CronExpression). Internal to the pattern.
 */

const EXAMPLES = "For example 'cron(0 3 * * ? *)' (daily 03:00 UTC), 'cron(0 3 ? * SUN *)' (Sundays) or 'cron(0 3 1 * ? *)' (monthly).";

/** What the checks learn about a valid expression. */
export interface CronFacts {
  /**
   * Shortest possible gap between two runs in days, when it is at least a month (a single
   * day-of-month, or a single nth/last weekday of the month); undefined when runs can be closer.
   */
  readonly minDaysBetweenRuns?: number;
}

/** Checks a DLM cron expression and returns what the archive rule needs to know. */
export function checkDlmCron(scope: IConstruct, property: string, expression: string): CronFacts {
  const context = {
    property,
    examples: EXAMPLES,
    notCronHint: 'DLM takes no rate() expressions, use SnapshotSchedule.every(hours) instead',
  };
  const fail = (why: string): never => cronError(scope, context, expression, why);
  if (expression.length < 17 || expression.length > 106) {
    fail(`17-106 characters long, got ${expression.length}`);
  }
  const { minutes, hours, dayOfMonth: dom, month, dayOfWeek: dow, year } = parseCron(scope, context, expression);
  // Two minute values always fall in the same hour: DLM needs at least one hour between runs.
  if (!/^\d{1,2}$/.test(minutes)) fail('runs at most once an hour: minutes must be a single value such as 0');
  // A restricted year makes the schedule stop: DLM needs a run at least once a year.
  if (year !== '*') fail("runs at least once a year: year must be '*'");
  return { minDaysBetweenRuns: monthlyGap(hours, dom, month, dow) };
}

/** Shortest gap in days when the expression runs at most monthly, else undefined. */
function monthlyGap(hours: string, dom: string, month: string, dow: string): number | undefined {
  if (!/^\d{1,2}$/.test(hours)) return undefined;
  const oncePerMonth = (dom !== '?' && /^(\d{1,2}|L|LW|\d{1,2}W)$/.test(dom))
    || (dow !== '?' && /^([1-7]|[A-Za-z]{3})(#[1-5]|L)$/.test(dow));
  if (!oncePerMonth) return undefined;
  // Months are at least 28 days apart; a step or a list of months multiplies that.
  return 28 * monthStep(month);
}

function monthStep(month: string): number {
  if (month === '*') return 1;
  const step = /^[^,]*\/(\d+)$/.exec(month);
  if (step) return Number(step[1]);
  const months = month.split(',').map((m) => {
    const i = CRON_MONTHS.indexOf(m.toUpperCase());
    return i >= 0 ? i + 1 : Number(m);
  });
  if (months.some((m) => Number.isNaN(m)) || month.includes('-')) return 1;
  if (months.length === 1) return 12;
  const sorted = [...months].sort((x, y) => x - y);
  const gaps = sorted.map((m, i) => (i === 0 ? sorted[0] + 12 - sorted[sorted.length - 1] : m - sorted[i - 1]));
  return Math.min(...gaps);
}
