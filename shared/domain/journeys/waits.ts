import { instantOf, isoWeekday, localDate } from '../service/business-hours';
import { UNIT_MS, type DateField, type Trigger, type WaitSpec } from './types';

/**
 * Time in journeys, pure: when a wait ends and when a date trigger fires for a customer. Local
 * times are read in the customer's time zone (or the journey's), with Intl, so 09:00 stays 09:00
 * across daylight-saving changes (a wall time in the spring-forward gap is read as the end of the
 * gap). Birthdays on Feb 29 are kept on Feb 28 in common years.
 */
const DAY = 86_400_000;
export const DEFAULT_LOCAL_TIME = '09:00';
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^\d{4}-\d{2}-\d{2}/;
const MMDD = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export const isHHMM = (s: unknown): s is string => typeof s === 'string' && HHMM.test(s);
export const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export const isMonthDay = (s: unknown): s is string => typeof s === 'string' && MMDD.test(s) && Number(s.slice(3)) <= DAYS_IN_MONTH[Number(s.slice(0, 2)) - 1]!;
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** What a wait or a date trigger can read of a customer. */
export interface DateFacts {
  /** `YYYY-MM-DD` or `--MM-DD`. */
  birthday?: string;
  lastOrderAt?: string;
  attributes?: Record<string, unknown>;
}

/** `date` (YYYY-MM-DD) + `days`, as a date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** `date` at the local time `hhmm` in `tz`. */
export function atLocal(date: string, hhmm: string, tz: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return instantOf(y, m, d, minutesOf(hhmm), tz);
}

/** The month-day of a birthday in `year` (Feb 29 → Feb 28 in common years). */
function birthdayIn(mmdd: string, year: number): string {
  const day = mmdd === '02-29' && !isLeap(year) ? '02-28' : mmdd;
  return `${String(year).padStart(4, '0')}-${day}`;
}

const monthDayOf = (birthday: string | undefined) => {
  if (!birthday) return undefined;
  const md = birthday.startsWith('--') ? birthday.slice(2) : /^\d{4}-\d{2}-\d{2}$/.test(birthday) ? birthday.slice(5) : undefined;
  return md && isMonthDay(md) ? md : undefined;
};

/**
 * The next yearly occasion of `mmdd` (shifted by `offsetDays`) at `hhmm` local that is at or after
 * `from`: `{ date }` is the occasion's own date (the birthday that year), `at` the instant.
 */
export function nextYearly(mmdd: string, offsetDays: number, hhmm: string, tz: string, from: number): { date: string; at: number } {
  const year = Number(localDate(from, tz).slice(0, 4));
  for (let y = year - 1; y <= year + 2; y++) {
    const date = birthdayIn(mmdd, y);
    const at = atLocal(addDays(date, offsetDays), hhmm, tz);
    if (at >= from) return { date, at };
  }
  throw new Error(`no next occurrence of ${mmdd}`);
}

/** The date a DateField holds for this customer (`YYYY-MM-DD`), or undefined. Birthdays: the next one from `now`. */
function dateOf(field: DateField, facts: DateFacts, now: number, tz: string): string | undefined {
  if (field === 'birthday') {
    const md = monthDayOf(facts.birthday);
    return md ? nextYearly(md, 0, '00:00', tz, now - DAY).date : undefined;
  }
  if (field === 'lastOrderAt') return facts.lastOrderAt ? localDate(Date.parse(facts.lastOrderAt), tz) : undefined;
  const v = facts.attributes?.[field.slice('attributes.'.length)];
  if (typeof v !== 'string' || !DATE.test(v)) return undefined;
  const d = v.slice(0, 10);
  return Number.isNaN(Date.parse(`${d}T00:00:00Z`)) ? undefined : d;
}

/**
 * When a wait that starts at `now` ends, or undefined when it cannot be known (a date the customer
 * does not have). A result at or before `now` means no wait.
 */
export function waitUntil(w: WaitSpec, now: number, tz: string, facts: DateFacts): number | undefined {
  switch (w.kind) {
    case 'duration':
      return now + w.value * UNIT_MS[w.unit];
    case 'instant':
      return Date.parse(w.at);
    case 'time-of-day': {
      let date = localDate(now, tz);
      for (let i = 0; i <= 8; i++, date = addDays(date, 1)) {
        const at = atLocal(date, w.time, tz);
        const [y, m, d] = date.split('-').map(Number) as [number, number, number];
        if (at > now && (!w.weekdays?.length || w.weekdays.includes(isoWeekday(y, m, d)))) return at;
      }
      return undefined;
    }
    case 'date': {
      const date = dateOf(w.field, facts, now, tz);
      return date === undefined ? undefined : atLocal(addDays(date, w.offsetDays ?? 0), w.time ?? DEFAULT_LOCAL_TIME, tz);
    }
  }
}

/** The shortest a wait can last, in ms (cycles need one of at least an hour); undefined: may not wait at all. */
export function minimumWaitMs(w: WaitSpec): number | undefined {
  if (w.kind === 'duration') return w.value * UNIT_MS[w.unit];
  if (w.kind === 'time-of-day') return DAY; // strictly the next occurrence: at most once a day in a loop
  return undefined;
}

export type DateTrigger = Extract<Trigger, { type: 'date' }>;

/** One firing of a date trigger for one customer: `anchor` names it (idempotency), `at` is when. */
export interface Occasion {
  anchor: string;
  at: number;
}

/** How late a date occasion may still fire (a customer updated on the day, a short outage). */
export const LATE_GRACE_MS = DAY;

/**
 * The customer's next occasion of a date trigger at or after `now` (birthdays: the next one;
 * attributes and the last order: the one their current value gives, if not more than a day past).
 * Holidays are not per customer (see nextHoliday).
 */
export function nextOccasion(t: DateTrigger, facts: DateFacts, now: number, tz: string): Occasion | undefined {
  const time = t.time ?? DEFAULT_LOCAL_TIME;
  const offset = t.offsetDays ?? 0;
  if (t.on === 'birthday') {
    const md = monthDayOf(facts.birthday);
    if (!md) return undefined;
    const o = nextYearly(md, offset, time, tz, now - LATE_GRACE_MS);
    return { anchor: `birthday:${o.date}`, at: o.at };
  }
  if (t.on === 'attribute') {
    const date = t.attribute ? dateOf(`attributes.${t.attribute}`, facts, now, tz) : undefined;
    if (!date) return undefined;
    const at = atLocal(addDays(date, offset), time, tz);
    return at >= now - LATE_GRACE_MS ? { anchor: `${t.attribute}:${date}`, at } : undefined;
  }
  if (t.on === 'last-order') {
    if (!facts.lastOrderAt) return undefined;
    const at = atLocal(addDays(localDate(Date.parse(facts.lastOrderAt), tz), offset), time, tz);
    return at >= now - LATE_GRACE_MS ? { anchor: `last-order:${new Date(Date.parse(facts.lastOrderAt)).toISOString()}`, at } : undefined;
  }
  return undefined;
}

/** The next holiday occasion (everyone at once) at or after `now`, in the journey's zone. */
export function nextHoliday(t: DateTrigger, now: number, tz: string): Occasion | undefined {
  if (t.on !== 'holiday' || !isMonthDay(t.day)) return undefined;
  const o = nextYearly(t.day, t.offsetDays ?? 0, t.time ?? DEFAULT_LOCAL_TIME, tz, now);
  return { anchor: `holiday:${o.date}`, at: o.at };
}
