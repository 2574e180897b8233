/**
 * Calendar arithmetic for conditions, on UTC days and epoch milliseconds. No regex and no
 * allocation in the parsers: evaluators call them once per evaluation.
 */
export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The inverse of daysFromCivil: the date as y*10000 + m*100 + d (one number, no allocation). */
export function civilFromDays(z: number): number {
  const zz = z + 719_468;
  const era = Math.floor(zz / 146_097);
  const doe = zz - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10_000 + m * 100 + d;
}

export const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
export const daysInMonth = (y: number, m: number) => (m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);

/** The UTC day number of an instant. */
export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

/** Two decimal digits at i, or -1. */
function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** The day number of `YYYY-MM-DD` (the keys of the per-day count maps), NaN when malformed. */
export function parseDayKey(s: string): number {
  if (s.length !== 10) return NaN;
  const v = dateAt(s);
  return v < 0 ? NaN : v;
}

/** The day number of the `YYYY-MM-DD` at the start of s, or -1e9 when malformed. */
function dateAt(s: string): number {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return -1e9;
  const y1 = d2(s, 0);
  const y2 = d2(s, 2);
  const m = d2(s, 5);
  const d = d2(s, 8);
  if (y1 < 0 || y2 < 0 || m < 1 || m > 12 || d < 1) return -1e9;
  const y = y1 * 100 + y2;
  if (d > daysInMonth(y, m)) return -1e9;
  return daysFromCivil(y, m, d);
}

/**
 * `YYYY-MM-DD` (UTC midnight) or `YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|±HH:MM|±HHMM]` → epoch ms
 * (fractions beyond milliseconds are cut); NaN when malformed. A date-time without a zone is UTC.
 */
export function parseInstant(s: string): number {
  const day = dateAt(s);
  if (day === -1e9) return NaN;
  const n = s.length;
  let ms = day * DAY_MS;
  if (n === 10) return ms;
  const t = s.charCodeAt(10);
  if ((t !== 84 && t !== 116 && t !== 32) || n < 16 || s.charCodeAt(13) !== 58) return NaN;
  const hh = d2(s, 11);
  const mi = d2(s, 14);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59) return NaN;
  ms += hh * 3_600_000 + mi * 60_000;
  let i = 16;
  if (i < n && s.charCodeAt(i) === 58) {
    const ss = d2(s, i + 1);
    if (ss < 0 || ss > 59) return NaN;
    ms += ss * 1000;
    i += 3;
    if (i < n && s.charCodeAt(i) === 46) {
      i++;
      const start = i;
      let frac = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i) - 48;
        if (c < 0 || c > 9) break;
        if (i - start < 3) frac = frac * 10 + c;
      }
      if (i === start) return NaN;
      for (let k = Math.min(i - start, 3); k < 3; k++) frac *= 10;
      ms += frac;
    }
  }
  if (i === n) return ms;
  const z = s.charCodeAt(i);
  if ((z === 90 || z === 122) && i + 1 === n) return ms;
  if (z !== 43 && z !== 45) return NaN;
  const oh = d2(s, i + 1);
  const colon = s.charCodeAt(i + 3) === 58 ? 1 : 0;
  const om = d2(s, i + 3 + colon);
  if (oh < 0 || oh > 23 || om < 0 || om > 59 || i + 5 + colon !== n) return NaN;
  const offset = (oh * 60 + om) * 60_000;
  return z === 43 ? ms - offset : ms + offset;
}

/** Whether a string parseInstant accepts names its time zone (or is a plain date). */
export function hasZone(s: string): boolean {
  if (s.length === 10) return true;
  const last = s.charCodeAt(s.length - 1);
  if (last === 90 || last === 122) return true;
  const p = s.length - 6;
  const q = s.length - 5;
  return s.charCodeAt(p) === 43 || s.charCodeAt(p) === 45 || s.charCodeAt(q) === 43 || s.charCodeAt(q) === 45;
}

/** The day number as `YYYY-MM-DD`. */
export function dayKey(day: number): string {
  const c = civilFromDays(day);
  const y = Math.floor(c / 10_000);
  const m = Math.floor(c / 100) % 100;
  const d = c % 100;
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** month*100 + day of a birthday `YYYY-MM-DD` or `--MM-DD`, or -1 when malformed. */
export function birthdayMonthDay(s: string | undefined): number {
  if (s === undefined) return -1;
  let i: number;
  if (s.length === 10 && s.charCodeAt(4) === 45) {
    if (dateAt(s) === -1e9) return -1;
    i = 5;
  } else if (s.length === 7 && s.charCodeAt(0) === 45 && s.charCodeAt(1) === 45) {
    i = 2;
  } else return -1;
  const m = d2(s, i);
  const d = d2(s, i + 3);
  if (s.charCodeAt(i + 2) !== 45 || m < 1 || m > 12 || d < 1 || d > daysInMonth(2000, m)) return -1;
  return m * 100 + d;
}

/** The day number of the birthday `md` (month*100+day) in year y; Feb 29 is Feb 28 in common years. */
export function birthdayIn(y: number, md: number): number {
  const m = Math.floor(md / 100);
  const d = md % 100;
  return daysFromCivil(y, m, m === 2 && d === 29 && !isLeap(y) ? 28 : d);
}

/** The first birthday on or after `day`. */
export function nextBirthday(day: number, md: number): number {
  const y = Math.floor(civilFromDays(day) / 10_000);
  const b = birthdayIn(y, md);
  return b >= day ? b : birthdayIn(y + 1, md);
}

/** Epoch ms of the first instant of month m (1-12) of year y, months past 12 roll over. */
export function monthStart(y: number, m: number): number {
  const yy = y + Math.floor((m - 1) / 12);
  const mm = ((m - 1) % 12 + 12) % 12 + 1;
  return daysFromCivil(yy, mm, 1) * DAY_MS;
}
