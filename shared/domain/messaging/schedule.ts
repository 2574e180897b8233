import { instantOf, isoWeekday, localDate, wallTime } from '../service/business-hours';
import { minutesOfDay, type MessagingSettings } from './settings';

/**
 * When a marketing message may go out: quiet hours in the customer's time zone (a message inside
 * them is scheduled for their end, not dropped) and frequency caps per local day and per week.
 * Wall times become instants through Intl, so daylight-saving changes are handled: an end time
 * inside the spring-forward gap is read past the gap, and in the fall-back overlap the next
 * occurrence after now is taken. Pure.
 */
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function addDays(date: string, n: number): { y: number; m: number; d: number } {
  const dt = new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

/** The first instant after `nowMs` whose wall time in `tz` is `minutes` on the local date `date` (+ n days). */
function wallInstant(date: string, n: number, minutes: number, tz: string, nowMs: number): number {
  const { y, m, d } = addDays(date, n);
  const t = instantOf(y, m, d, minutes, tz);
  if (t > nowMs) return t;
  // Fall back: the same wall time may come again an hour (or half an hour) later.
  for (const later of [t + HOUR_MS, t + HOUR_MS / 2]) {
    const w = wallTime(later, tz);
    if (later > nowMs && w.hour * 60 + w.minute === minutes && localDate(later, tz) === localDate(t, tz)) return later;
  }
  return t;
}

/**
 * The instant the quiet hours around `nowMs` end, or undefined when `nowMs` is outside them.
 * Quiet hours may cross midnight (21:00–08:00) or not (12:00–14:00).
 */
export function quietHoursEnd(nowMs: number, tz: string, quiet: MessagingSettings['quietHours']): number | undefined {
  if (!quiet.enabled) return undefined;
  const s = minutesOfDay(quiet.start);
  const e = minutesOfDay(quiet.end);
  if (s === e) return undefined;
  const w = wallTime(nowMs, tz);
  const m = w.hour * 60 + w.minute + w.second / 60;
  const today = localDate(nowMs, tz);
  let end: number | undefined;
  if (s < e) end = m >= s && m < e ? wallInstant(today, 0, e, tz, nowMs) : undefined;
  else if (m >= s) end = wallInstant(today, 1, e, tz, nowMs);
  else if (m < e) end = wallInstant(today, 0, e, tz, nowMs);
  return end !== undefined && end > nowMs ? end : undefined;
}

export type CapVerdict = { ok: true } | { ok: false; window: 'day' | 'week'; limit: number; count: number };

/** How long a send stays in the ledger: a calendar week back from any day, and a margin for zones. */
export const LEDGER_KEEP_MS = 9 * DAY_MS;

/** Monday (local date) of the local ISO week of an instant. */
function weekStart(ms: number, tz: string): string {
  const w = wallTime(ms, tz);
  const back = isoWeekday(w.year, w.month, w.day) - 1;
  const { y, m, d } = addDays(localDate(ms, tz), -back);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Whether one more marketing message may be sent now, given the instants of the earlier ones. */
export function capVerdict(sends: readonly number[], nowMs: number, tz: string, caps: MessagingSettings['frequencyCaps']): CapVerdict {
  if (caps.perDay > 0) {
    const today = localDate(nowMs, tz);
    const count = sends.filter((t) => t <= nowMs && localDate(t, tz) === today).length;
    if (count >= caps.perDay) return { ok: false, window: 'day', limit: caps.perDay, count };
  }
  if (caps.perWeek > 0) {
    let count: number;
    if (caps.week === 'rolling') count = sends.filter((t) => t <= nowMs && t > nowMs - 7 * DAY_MS).length;
    else {
      const monday = weekStart(nowMs, tz);
      count = sends.filter((t) => t <= nowMs && localDate(t, tz) >= monday).length;
    }
    if (count >= caps.perWeek) return { ok: false, window: 'week', limit: caps.perWeek, count };
  }
  return { ok: true };
}

/** The ledger after one more send: this one added, the ones too old to matter dropped. */
export function recordSend(sends: readonly number[], nowMs: number): number[] {
  return [...sends.filter((t) => t > nowMs - LEDGER_KEEP_MS), nowMs].sort((a, b) => a - b);
}

/** The customer's zone if valid, else the brand default. */
export function zoneOf(customerZone: string | undefined, settings: Pick<MessagingSettings, 'defaultTimeZone'>, isValid: (tz: string) => boolean): string {
  return customerZone && isValid(customerZone) ? customerZone : settings.defaultTimeZone;
}
