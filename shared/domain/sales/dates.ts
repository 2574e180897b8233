import { instantOf, localDate } from '../service/business-hours';

/** Calendar dates (`YYYY-MM-DD`) of the pipeline: due dates, validity, contract terms. Pure. */
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export function isRealDate(d: string): boolean {
  if (!DATE.test(d)) return false;
  const t = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
}

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The same day `n` months later (the month's last day when it is shorter: 01-31 + 1 month = 02-28). */
export function addMonths(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + n;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Whole days from `a` to `b` (b − a). */
export const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);

/** The instant a local date starts (00:00) in a zone, plus `minutes`. */
export const localInstant = (date: string, tz: string, minutes = 0) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return instantOf(y, m, d, minutes, tz);
};

/** Today in the zone. */
export const today = (nowMs: number, tz: string) => localDate(nowMs, tz);

/** `YYYY-MM` of a date. */
export const monthOf = (date: string) => date.slice(0, 7);
