import { IConstruct } from 'constructs';
import { invalid } from '../core/validation';

/**
 * DLM cron expressions (EventBridge syntax): `cron(minutes hours day-of-month month day-of-week year)`,
 * 17-106 characters, one run per hour at most and one per year at least
 * (AWS::DLM::LifecyclePolicy CreateRule.CronExpression). Internal to the pattern.
 */

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field { readonly name: string; readonly min: number; readonly max: number; readonly names?: string[] }
const FIELDS: Field[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS },
  { name: 'year', min: 1970, max: 2199 },
];

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
  const fail = (why: string): never => invalid(scope, property, expression,
    `a cron expression 'cron(minutes hours day-of-month month day-of-week year)' (${why})`, EXAMPLES);
  if (expression.length < 17 || expression.length > 106) {
    fail(`17-106 characters long, got ${expression.length}`);
  }
  const match = /^cron\((.*)\)$/.exec(expression);
  if (!match) fail("wrapped in 'cron(...)'; DLM takes no rate() expressions, use SnapshotSchedule.every(hours) instead");
  const parts = match![1].trim().split(/\s+/);
  if (parts.length !== 6) fail(`6 fields expected, got ${parts.length}`);
  const [minutes, hours, dom, month, dow, year] = parts;
  if ((dom === '?') === (dow === '?')) fail("exactly one of day-of-month and day-of-week must be '?'");
  parts.forEach((part, i) => checkField(FIELDS[i], part, fail));
  // Two minute values always fall in the same hour: DLM needs at least one hour between runs.
  if (!/^\d{1,2}$/.test(minutes)) fail('runs at most once an hour: minutes must be a single value such as 0');
  // A restricted year makes the schedule stop: DLM needs a run at least once a year.
  if (year !== '*') fail("runs at least once a year: year must be '*'");
  return { minDaysBetweenRuns: monthlyGap(hours, dom, month, dow) };
}

function checkField(field: Field, part: string, fail: (why: string) => never): void {
  if (part === '*' || (part === '?' && (field.name === 'day-of-month' || field.name === 'day-of-week'))) return;
  const value = (v: string): number => {
    const index = field.names?.indexOf(v.toUpperCase()) ?? -1;
    const n = index >= 0 ? index + 1 : /^\d+$/.test(v) ? Number(v) : NaN;
    if (Number.isNaN(n) || n < field.min || n > field.max) {
      fail(`${field.name} value '${v}' is not between ${field.min} and ${field.max}`);
    }
    return n;
  };
  for (const item of part.split(',')) {
    if (field.name === 'day-of-month' && /^(L|LW|\d{1,2}W)$/.test(item)) continue;
    if (field.name === 'day-of-week' && /^([1-7]|[A-Za-z]{3})(#[1-5]|L)$/.test(item)) {
      value(item.replace(/(#[1-5]|L)$/, ''));
      continue;
    }
    const [range, step] = item.split('/');
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) fail(`${field.name} step '${step}' must be a positive number`);
    if (range === '*') continue;
    const [from, to] = range.split('-');
    const a = value(from);
    if (to !== undefined && value(to) < a) fail(`${field.name} range '${range}' runs backwards`);
  }
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
    const i = MONTHS.indexOf(m.toUpperCase());
    return i >= 0 ? i + 1 : Number(m);
  });
  if (months.some((m) => Number.isNaN(m)) || month.includes('-')) return 1;
  if (months.length === 1) return 12;
  const sorted = [...months].sort((x, y) => x - y);
  const gaps = sorted.map((m, i) => (i === 0 ? sorted[0] + 12 - sorted[sorted.length - 1] : m - sorted[i - 1]));
  return Math.min(...gaps);
}
