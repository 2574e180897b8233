import { ValidationError, type FieldIssue } from '../errors';

/**
 * Report periods: `from`–`to` (UTC days, inclusive) read at a granularity of day, week (ISO weeks,
 * Monday first) or month. A week or month period is widened to whole buckets, so every bucket of
 * the answer covers its whole week or month and distinct-customer figures (buyers, repeat buyers)
 * are exact per bucket. Each granularity has a longest period, so a request reads a bounded number
 * of items. Pure.
 */
export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** The longest period per granularity, in buckets (400 days, 3 years of weeks, 5 years of months). */
export const MAX_BUCKETS: Readonly<Record<Granularity, number>> = { day: 400, week: 157, month: 60 };
/** Nothing before this day is a report period (the CDNOW log starts in 1997). */
export const EARLIEST_DAY = '1990-01-01';

export interface Period {
  from: string;
  to: string;
  granularity: Granularity;
  /** The first day of each bucket, ascending. */
  buckets: string[];
}

const DAY_MS = 86_400_000;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDay(s: string): boolean {
  const m = DAY_RE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const addDays = (day: string, n: number) => dayOf(dayMs(day) + n * DAY_MS);
export const daysBetween = (from: string, to: string) => Math.round((dayMs(to) - dayMs(from)) / DAY_MS);
/** Days since 1970-01-01 (the full pass works on day numbers). */
export const dayNumber = (day: string) => Math.round(dayMs(day) / DAY_MS);
export const dayFromNumber = (n: number) => dayOf(n * DAY_MS);

/** Monday of the ISO week of `day`. */
export function weekStart(day: string): string {
  const dow = (new Date(dayMs(day)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(day, -dow);
}
export const monthStart = (day: string) => `${day.slice(0, 7)}-01`;
export function addMonths(monthFirstDay: string, n: number): string {
  const y = Number(monthFirstDay.slice(0, 4));
  const m = Number(monthFirstDay.slice(5, 7)) - 1 + n;
  const d = new Date(Date.UTC(y + Math.floor(m / 12), ((m % 12) + 12) % 12, 1));
  return dayOf(d.getTime());
}
export const monthEnd = (day: string) => addDays(addMonths(monthStart(day), 1), -1);

/** The first day of the bucket `day` falls in. */
export function bucketOf(day: string, g: Granularity): string {
  return g === 'day' ? day : g === 'week' ? weekStart(day) : monthStart(day);
}
/** The last day of the bucket that starts on `start`. */
export function bucketEnd(start: string, g: Granularity): string {
  return g === 'day' ? start : g === 'week' ? addDays(start, 6) : monthEnd(start);
}
export function nextBucket(start: string, g: Granularity): string {
  return g === 'day' ? addDays(start, 1) : g === 'week' ? addDays(start, 7) : addMonths(start, 1);
}

export function bucketsOf(from: string, to: string, g: Granularity): string[] {
  const out: string[] = [];
  for (let b = bucketOf(from, g); b <= to; b = nextBucket(b, g)) out.push(b);
  return out;
}

export interface PeriodInput {
  from?: string;
  to?: string;
  granularity?: string;
}

/** Default lengths when `from` is not given: 30 days, 12 weeks, 12 months ending with `to`. */
function defaultFrom(to: string, g: Granularity): string {
  return g === 'day' ? addDays(to, -29) : g === 'week' ? addDays(weekStart(to), -7 * 11) : addMonths(monthStart(to), -11);
}

/**
 * Checks and normalizes a period: every problem is named (from, to, granularity) in one 400.
 * `today` is the reporting day (UTC): a period may not start after it, and one that ends after it is
 * read up to it.
 */
export function resolvePeriod(input: PeriodInput, today: string): Period {
  const issues: FieldIssue[] = [];
  const g = (input.granularity ?? 'day') as Granularity;
  if (!GRANULARITIES.includes(g)) issues.push({ field: 'granularity', message: `must be one of ${GRANULARITIES.join(', ')}` });
  for (const f of ['from', 'to'] as const) {
    const v = input[f];
    if (v === undefined) continue;
    if (!isDay(v)) issues.push({ field: f, message: 'must be a date YYYY-MM-DD' });
    else if (v < EARLIEST_DAY) issues.push({ field: f, message: `must not be before ${EARLIEST_DAY}` });
    else if (f === 'from' && v > today) issues.push({ field: f, message: `must not be after today (${today}, UTC)` });
  }
  if (issues.length) throw new ValidationError(issues);
  // A period may end in the future ("this month", or a period echoed back from a week or month
  // answer): it is read up to today. Nothing is counted for days that have not happened.
  const to0 = input.to === undefined || input.to > today ? today : input.to;
  const from0 = input.from ?? defaultFrom(to0, g);
  if (from0 > to0) throw ValidationError.field('from', `must not be after to (${to0})`);
  const from = bucketOf(from0, g);
  const to = bucketEnd(bucketOf(to0, g), g);
  const buckets = bucketsOf(from, to, g);
  if (buckets.length > MAX_BUCKETS[g]) {
    const unit = g === 'day' ? 'days' : g === 'week' ? 'weeks' : 'months';
    throw ValidationError.field('from', `a ${g} report covers at most ${MAX_BUCKETS[g]} ${unit}; this period has ${buckets.length} (use a coarser granularity)`);
  }
  return { from, to, granularity: g, buckets };
}

/** The period of the same length just before `p` (the comparison of the KPI cards). */
export function previousPeriod(p: Period): { from: string; to: string } {
  const len = daysBetween(p.from, p.to) + 1;
  return { from: addDays(p.from, -len), to: addDays(p.from, -1) };
}

/** Each month (`YYYY-MM`) the period touches, with the share of its days inside the period. */
export function monthShares(from: string, to: string): Map<string, number> {
  const out = new Map<string, number>();
  for (let m = monthStart(from); m <= to; m = addMonths(m, 1)) {
    const a = m < from ? from : m;
    const b = monthEnd(m) > to ? to : monthEnd(m);
    out.set(m.slice(0, 7), (daysBetween(a, b) + 1) / (daysBetween(m, monthEnd(m)) + 1));
  }
  return out;
}
