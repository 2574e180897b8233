import { ValidationError, type FieldIssue } from '../errors';

/**
 * Business-hours arithmetic, pure: how many business milliseconds lie between two instants, and
 * which instant is N business milliseconds after another, for a calendar of working days, daily
 * working hours, an IANA time zone, holidays and extra working days (调休: a weekend day worked in
 * exchange for a holiday). Wall times are turned into instants with Intl, so daylight-saving
 * changes are handled: a working day on which the clocks go forward is an hour shorter.
 * A wall time that does not exist (inside the spring-forward gap) is read as the instant the gap
 * ends; one that exists twice (fall back) as the earlier one (the "compatible" rule of Temporal).
 */
export interface BusinessCalendar {
  /** IANA time zone, e.g. `Asia/Shanghai`, `Europe/Berlin`. */
  timeZone: string;
  /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday. */
  workingDays: number[];
  /** Working hours of a working day, `HH:MM` (24:00 allowed as an end), sorted and not overlapping. */
  hours: { from: string; to: string }[];
  /** Days off (`YYYY-MM-DD`, local dates) even when they fall on working days. */
  holidays: string[];
  /** Days worked even when they fall outside the working days (`YYYY-MM-DD`). */
  extraWorkingDays?: string[];
}

const MINUTE = 60_000;
const DAY_MS = 86_400_000;
/** A calendar with no working time in this many days is refused (e.g. every day a holiday). */
const MAX_SEARCH_DAYS = 3 * 366;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return typeof tz === 'string' && tz.length > 0;
  } catch {
    return false;
  }
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function isRealDate(d: string): boolean {
  if (!DATE.test(d)) return false;
  const t = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
}

/** Every problem of a calendar, each naming its field under `root` (e.g. `calendar.hours.1.to`). */
export function calendarIssues(cal: BusinessCalendar, root = 'calendar'): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (field: string, message: string) => issues.push({ field: `${root}.${field}`, message });
  if (!isValidTimeZone(cal.timeZone)) add('timeZone', `is not an IANA time zone: ${JSON.stringify(cal.timeZone)}`);
  const days = cal.workingDays ?? [];
  if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) add('workingDays', 'must be ISO weekdays 1 (Monday) to 7 (Sunday)');
  if (new Set(days).size !== days.length) add('workingDays', 'must not repeat a day');
  if (days.length === 0 && (cal.extraWorkingDays ?? []).length === 0) add('workingDays', 'must name at least one working day');
  const hours = cal.hours ?? [];
  if (hours.length === 0) add('hours', 'must have at least one range of working hours');
  hours.forEach((h, i) => {
    if (!HHMM.test(h.from) || h.from === '24:00') add(`hours.${i}.from`, 'must be a time HH:MM from 00:00 to 23:59');
    if (!HHMM.test(h.to)) add(`hours.${i}.to`, 'must be a time HH:MM from 00:01 to 24:00');
    if (HHMM.test(h.from) && HHMM.test(h.to) && minutesOf(h.to) <= minutesOf(h.from)) add(`hours.${i}.to`, `must be after from (${h.from}); a range may not cross midnight`);
  });
  const valid = hours.map((h, i) => ({ h, i })).filter(({ h }) => HHMM.test(h.from) && HHMM.test(h.to) && minutesOf(h.to) > minutesOf(h.from));
  const sorted = [...valid].sort((a, b) => minutesOf(a.h.from) - minutesOf(b.h.from));
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1]!;
    const cur = sorted[k]!;
    if (minutesOf(cur.h.from) < minutesOf(prev.h.to)) add(`hours.${cur.i}`, `overlaps ${prev.h.from}-${prev.h.to}`);
  }
  const checkDates = (field: 'holidays' | 'extraWorkingDays', list: string[] | undefined) => {
    (list ?? []).forEach((d, i) => {
      if (!isRealDate(d)) add(`${field}.${i}`, 'must be a date YYYY-MM-DD');
    });
    const seen = new Set<string>();
    (list ?? []).forEach((d, i) => {
      if (seen.has(d)) add(`${field}.${i}`, `repeats ${d}`);
      seen.add(d);
    });
  };
  checkDates('holidays', cal.holidays);
  checkDates('extraWorkingDays', cal.extraWorkingDays);
  const holidays = new Set(cal.holidays ?? []);
  (cal.extraWorkingDays ?? []).forEach((d, i) => {
    if (holidays.has(d)) add(`extraWorkingDays.${i}`, `${d} is also a holiday`);
  });
  return issues;
}

export function assertCalendar(cal: BusinessCalendar, root = 'calendar'): BusinessCalendar {
  const issues = calendarIssues(cal, root);
  if (issues.length) throw new ValidationError(issues, `The calendar is invalid: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`);
  return { ...cal, hours: [...cal.hours].sort((a, b) => minutesOf(a.from) - minutesOf(b.from)) };
}

// ---- wall time <-> instant in a time zone, through Intl

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(tz, f);
  }
  return f;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time at an instant in a time zone. */
export function wallTime(ms: number, tz: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

/** UTC offset of the zone at an instant, in ms (east positive). */
export function offsetAt(ms: number, tz: string): number {
  const w = wallTime(ms, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instant of a wall time in a zone (gap: the end of the gap; overlap: the earlier instant). */
export function instantOf(year: number, month: number, day: number, minutes: number, tz: string): number {
  const guess = Date.UTC(year, month - 1, day, 0, minutes);
  const candidates = new Set<number>();
  for (const probe of [guess - DAY_MS / 2, guess, guess + DAY_MS / 2]) candidates.add(guess - offsetAt(probe, tz));
  const exact = [...candidates].filter((t) => {
    const w = wallTime(t, tz);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) === guess;
  });
  if (exact.length) return Math.min(...exact);
  // In the gap the wall time does not exist: read it with the offset before the change, which
  // lands as far after the end of the gap as the wall time is after its start.
  return guess - offsetAt(guess - DAY_MS / 2, tz);
}

const isoDate = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
/** ISO weekday (1 = Monday) of a calendar date. */
export const isoWeekday = (y: number, m: number, d: number) => ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;

/** The local date (`YYYY-MM-DD`) of an instant in a zone. */
export function localDate(ms: number, tz: string): string {
  const w = wallTime(ms, tz);
  return isoDate(w.year, w.month, w.day);
}

function addDays(date: string, n: number): { y: number; m: number; d: number; iso: string } {
  const t = Date.parse(`${date}T00:00:00Z`) + n * DAY_MS;
  const dt = new Date(t);
  const y = dt.getUTCFullYear();
  const m = dt.getUTCMonth() + 1;
  const d = dt.getUTCDate();
  return { y, m, d, iso: isoDate(y, m, d) };
}

export function isWorkingDate(cal: BusinessCalendar, date: string): boolean {
  if ((cal.extraWorkingDays ?? []).includes(date)) return true;
  if (cal.holidays.includes(date)) return false;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return cal.workingDays.includes(isoWeekday(y, m, d));
}

/** The working intervals ([start, end) instants) of one local date. */
export function workingIntervals(cal: BusinessCalendar, date: string): [number, number][] {
  if (!isWorkingDate(cal, date)) return [];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return cal.hours
    .map((h): [number, number] => [instantOf(y, m, d, minutesOf(h.from), cal.timeZone), instantOf(y, m, d, minutesOf(h.to), cal.timeZone)])
    .filter(([a, b]) => b > a);
}

/** Business milliseconds in [from, to). Zero when to <= from. */
export function businessMsBetween(cal: BusinessCalendar, from: number, to: number): number {
  if (to <= from) return 0;
  let total = 0;
  const start = localDate(from, cal.timeZone);
  const end = localDate(to, cal.timeZone);
  for (let i = -1; ; i++) {
    const day = addDays(start, i);
    if (day.iso > end) break;
    for (const [a, b] of workingIntervals(cal, day.iso)) {
      const lo = Math.max(a, from);
      const hi = Math.min(b, to);
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

/**
 * The instant `ms` business milliseconds after `from`. With `ms` = 0 it is `from` itself when
 * that is working time, else the start of the next working interval. Throws when the calendar has
 * no working time within three years (every day a holiday).
 */
export function addBusinessMs(cal: BusinessCalendar, from: number, ms: number): number {
  let left = Math.max(0, ms);
  const start = localDate(from, cal.timeZone);
  for (let i = -1; i <= MAX_SEARCH_DAYS; i++) {
    const day = addDays(start, i);
    for (const [a, b] of workingIntervals(cal, day.iso)) {
      const lo = Math.max(a, from);
      if (b <= lo) continue;
      if (lo + left <= b) return lo + left;
      left -= b - lo;
    }
  }
  throw new ValidationError([{ field: 'calendar', message: `has no working time within ${MAX_SEARCH_DAYS} days` }], 'The calendar has no working time.');
}

/** Calendar (24/7) or business time, one interface for the SLA clocks. */
export interface TimeMeasure {
  between(from: number, to: number): number;
  add(from: number, ms: number): number;
}

export const CALENDAR_TIME: TimeMeasure = { between: (a, b) => Math.max(0, b - a), add: (a, ms) => a + Math.max(0, ms) };

export function businessTime(cal: BusinessCalendar): TimeMeasure {
  return { between: (a, b) => businessMsBetween(cal, a, b), add: (a, ms) => addBusinessMs(cal, a, ms) };
}

export const minutesToMs = (m: number) => m * MINUTE;
