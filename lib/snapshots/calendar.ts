import { CRON_MONTHS } from '../core/cron';

/**
 * When a DLM cron expression runs, worked out on the calendar rather than guessed from its
 * fields: "monthly" can mean 28 to 31 days apart, the second Thursday 28 or 35. The archive and
 * unshare rules need the shortest time that N runs can span. Internal to the pattern.
 *
 * The expression must already be valid (checkDlmCron): a single minute, EventBridge fields.
 * Runs are simulated over 28 years (2026-2053), one full cycle of weekdays and leap years
 * between 1901 and 2099, so every pattern a schedule can produce occurs.
 */

const HOUR_MS = 3600_000;
const START_YEAR = 2026;
const YEARS = 28;
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const cache = new Map<string, number[] | undefined>();

/** Run times (ms since the epoch) over the window; undefined when the expression is not understood. */
export function cronRuns(expression: string): number[] | undefined {
  if (!cache.has(expression)) cache.set(expression, simulate(expression));
  return cache.get(expression);
}

/**
 * The shortest time, in hours, from one run to the n-th run after it (n = 1: the shortest gap);
 * undefined when not known (an expression this module does not understand, or too few runs).
 */
export function minSpanHours(expression: string, n: number): number | undefined {
  const runs = cronRuns(expression);
  if (!runs || n < 1 || runs.length <= n) return undefined;
  let min = Infinity;
  for (let i = 0; i + n < runs.length; i++) min = Math.min(min, runs[i + n] - runs[i]);
  return min / HOUR_MS;
}

function simulate(expression: string): number[] | undefined {
  const m = /^cron\((.*)\)$/.exec(expression.trim());
  if (!m) return undefined;
  const [minutes, hours, dom, month, dow, year] = m[1].trim().split(/\s+/);
  const minute = Number(minutes);
  const hourSet = values(hours, 0, 23);
  const monthSet = values(month, 1, 12, CRON_MONTHS);
  if (!Number.isInteger(minute) || !hourSet || !monthSet || year !== '*') return undefined;
  const dayMatches = dom !== '?' ? domMatcher(dom) : dowMatcher(dow);
  if (!dayMatches) return undefined;
  const runs: number[] = [];
  for (let y = START_YEAR; y < START_YEAR + YEARS; y++) {
    for (const mo of monthSet) {
      const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
      for (let d = 1; d <= last; d++) {
        if (!dayMatches(y, mo, d, last)) continue;
        for (const h of hourSet) runs.push(Date.UTC(y, mo - 1, d, h, minute));
      }
    }
  }
  return runs;
}

/** The values of a field: `*`, numbers, names, ranges, increments and lists of them. */
function values(field: string, min: number, max: number, names?: string[]): number[] | undefined {
  const out = new Set<number>();
  const num = (v: string) => {
    const i = names?.indexOf(v.toUpperCase()) ?? -1;
    return i >= 0 ? i + min : Number(v);
  };
  for (const item of field.split(',')) {
    const r = /^(\*|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/.exec(item);
    if (!r) return undefined;
    const from = r[1] === '*' ? min : num(r[1]);
    const to = r[2] !== undefined ? num(r[2]) : (r[1] === '*' || r[3] !== undefined ? max : from);
    const step = r[3] !== undefined ? Number(r[3]) : 1;
    if ([from, to, step].some((v) => !Number.isInteger(v))) return undefined;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

type DayMatcher = (year: number, month: number, day: number, lastDay: number) => boolean;
const weekday = (y: number, mo: number, d: number) => new Date(Date.UTC(y, mo - 1, d)).getUTCDay();

/** Day of month: numbers, ranges, `L`, `LW` and `nW` (the weekday nearest to day n, in the month). */
function domMatcher(field: string): DayMatcher | undefined {
  const tests: DayMatcher[] = [];
  for (const item of field.split(',')) {
    if (item === '*') {
      tests.push(() => true);
    } else if (item === 'L') {
      tests.push((_y, _m, d, last) => d === last);
    } else if (item === 'LW' || /^\d{1,2}W$/.test(item)) {
      tests.push((y, mo, d, last) => d === nearestWeekday(y, mo, item === 'LW' ? last : Math.min(Number(item.slice(0, -1)), last), last));
    } else {
      const days = values(item, 1, 31);
      if (!days) return undefined;
      tests.push((_y, _m, d) => days.includes(d));
    }
  }
  return (y, mo, d, last) => tests.some((t) => t(y, mo, d, last));
}

function nearestWeekday(y: number, mo: number, target: number, last: number): number {
  const wd = weekday(y, mo, target);
  if (wd === 6) return target === 1 ? 3 : target - 1; // Saturday: Friday before, or Monday the 3rd
  if (wd === 0) return target === last ? target - 2 : target + 1; // Sunday: Monday after, or Friday before
  return target;
}

/** Day of week (1 = SUN ... 7 = SAT): values, ranges, `n#k` (k-th n of the month) and `nL` (last n). */
function dowMatcher(field: string): DayMatcher | undefined {
  const tests: DayMatcher[] = [];
  for (const item of field.split(',')) {
    const special = /^([1-7]|[A-Za-z]{3})(#([1-5])|L)$/.exec(item);
    if (special) {
      const day = values(special[1], 1, 7, DAYS)![0] - 1;
      const nth = special[3] !== undefined ? Number(special[3]) : undefined;
      tests.push((y, mo, d, last) => weekday(y, mo, d) === day && (nth !== undefined ? Math.ceil(d / 7) === nth : d + 7 > last));
    } else {
      const days = values(item, 1, 7, DAYS);
      if (!days) return undefined;
      tests.push((y, mo, d) => days.includes(weekday(y, mo, d) + 1));
    }
  }
  return (y, mo, d, last) => tests.some((t) => t(y, mo, d, last));
}
