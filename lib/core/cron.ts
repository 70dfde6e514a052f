import { IConstruct } from 'constructs';
import { invalid } from './validation';

/**
 * AWS cron expressions (EventBridge syntax, also used by Image Builder and DLM):
 * `cron(minutes hours day-of-month month day-of-week year)`, exactly one of day-of-month and
 * day-of-week is `?`, every value in its range, with lists, ranges, increments, `L`, `W` and `#`.
 * Services add their own rules on top (DLM: length, at most hourly, at least yearly).
 */

/** The six fields of a valid expression. */
export interface CronFields {
  readonly minutes: string;
  readonly hours: string;
  readonly dayOfMonth: string;
  readonly month: string;
  readonly dayOfWeek: string;
  readonly year: string;
}

/** How errors about one property read. */
export interface CronContext {
  /** Property name in the error. */
  readonly property: string;
  /** Examples shown as the fix. */
  readonly examples: string;
  /** What to use instead of a `rate()` or other non-cron expression. */
  readonly notCronHint: string;
}

export const CRON_MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field { readonly name: string; readonly min: number; readonly max: number; readonly names?: string[] }
const FIELDS: Field[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: CRON_MONTHS },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS },
  { name: 'year', min: 1970, max: 2199 },
];

/** A failure in the house format for a cron property. */
export function cronError(scope: IConstruct, context: CronContext, expression: string, why: string): never {
  return invalid(scope, context.property, expression,
    `a cron expression 'cron(minutes hours day-of-month month day-of-week year)' (${why})`, context.examples);
}

/** Parses and checks an AWS cron expression (the caller skips Tokens); returns its fields. */
export function parseCron(scope: IConstruct, context: CronContext, expression: string): CronFields {
  const fail = (why: string): never => cronError(scope, context, expression, why);
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match) fail(`wrapped in 'cron(...)'; ${context.notCronHint}`);
  const parts = match![1].trim().split(/\s+/);
  if (parts.length !== 6) fail(`6 fields expected, got ${parts.length}`);
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = parts;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) fail("exactly one of day-of-month and day-of-week must be '?'");
  parts.forEach((part, i) => checkField(FIELDS[i], part, fail));
  return { minutes, hours, dayOfMonth, month, dayOfWeek, year };
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
    const m = /^(\*|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/.exec(item);
    if (!m) fail(`${field.name} item '${item}' is not a value, range, list or increment`);
    const from = m![1] === '*' ? undefined : value(m![1]);
    if (m![2] !== undefined && from !== undefined && value(m![2]) < from) fail(`${field.name} range '${m![1]}-${m![2]}' runs backwards`);
    if (m![3] !== undefined && Number(m![3]) < 1) fail(`${field.name} increment must be at least 1`);
  }
}
