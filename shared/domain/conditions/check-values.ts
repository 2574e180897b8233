import { isCurrency, toMinor } from '../money';
import { hasZone, parseInstant } from './dates';
import { CONDITION_LIMITS } from './grammar';

/** Collects the problems of one condition tree, each naming its node by a JSON path. */
export class Issues {
  readonly list: { field: string; message: string }[] = [];
  add(field: string, message: string): void {
    if (this.list.length < 50) this.list.push({ field, message });
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const quoted = (xs: readonly unknown[]) => xs.map((x) => JSON.stringify(x)).join(', ');

export function isDate(v: unknown): v is string {
  return typeof v === 'string' && !Number.isNaN(parseInstant(v)) && hasZone(v);
}
export const DATE_FORMS = 'a date (YYYY-MM-DD) or an ISO-8601 date-time with a time-zone offset';

export function oneOf(out: Issues, v: unknown, allowed: readonly string[], path: string): boolean {
  if (typeof v === 'string' && allowed.includes(v)) return true;
  out.add(path, v === undefined ? 'is required' : `must be one of ${quoted(allowed)}`);
  return false;
}

export function text(out: Issues, v: unknown, path: string, max: number = CONDITION_LIMITS.textLength): boolean {
  if (typeof v === 'string' && v.length > 0 && v.length <= max) return true;
  out.add(path, v === undefined ? 'is required' : typeof v !== 'string' ? 'must be a string' : v.length === 0 ? 'must not be empty' : `must have at most ${max} characters`);
  return false;
}

export function int(out: Issues, v: unknown, min: number, max: number, path: string): boolean {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return true;
  out.add(path, v === undefined ? 'is required' : `must be an integer from ${min} to ${max}`);
  return false;
}

export function num(out: Issues, v: unknown, min: number, max: number, path: string): boolean {
  if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) return true;
  out.add(path, v === undefined ? 'is required' : `must be a number from ${min} to ${max}`);
  return false;
}

export function absent(out: Issues, v: unknown, op: string, path: string): void {
  if (v !== undefined) out.add(path, `must be absent with op ${JSON.stringify(op)}`);
}

/** A list for in/nin: 1..100 items, each checked by `item`. */
export function list(out: Issues, v: unknown, path: string, item: (x: unknown, p: string) => boolean): boolean {
  if (!Array.isArray(v) || v.length === 0 || v.length > CONDITION_LIMITS.listItems) {
    out.add(path, v === undefined ? 'is required' : `must be a list of 1 to ${CONDITION_LIMITS.listItems} values`);
    return false;
  }
  let ok = true;
  v.forEach((x, i) => (ok = item(x, `${path}[${i}]`) && ok));
  return ok;
}

/** `[from, to]` for between, each checked by `item`, and from <= to by `order`. */
export function range(out: Issues, v: unknown, path: string, item: (x: unknown, p: string) => boolean, order: (x: unknown) => number, orderTo = order): boolean {
  if (!Array.isArray(v) || v.length !== 2) {
    out.add(path, v === undefined ? 'is required' : 'must be [from, to] (both included)');
    return false;
  }
  const a = item(v[0], `${path}[0]`);
  const b = item(v[1], `${path}[1]`);
  if (!a || !b) return false;
  if (order(v[0]) > orderTo(v[1])) {
    out.add(`${path}[1]`, 'must not be less than the first value');
    return false;
  }
  return true;
}

/** A numeric value, or [from, to] for between. */
export function numeric(out: Issues, op: string, v: unknown, path: string, item: (x: unknown, p: string) => boolean, order: (x: unknown) => number = Number): boolean {
  return op === 'between' ? range(out, v, path, item, order) : item(v, path);
}

export function currency(out: Issues, v: unknown, path: string): boolean {
  if (typeof v === 'string' && isCurrency(v)) return true;
  out.add(path, typeof v === 'string' && /^[A-Z]{3}$/.test(v) ? 'is not an ISO 4217 currency code' : 'must be an upper-case ISO 4217 code such as USD');
  return false;
}

/**
 * A money amount in major units: a non-negative number or decimal string. With its currency known
 * the digits are checked exactly ("1.5" JPY is refused); without, only the form.
 */
export function money(out: Issues, v: unknown, cur: string | undefined, path: string): boolean {
  if (typeof v !== 'number' && typeof v !== 'string') {
    out.add(path, v === undefined ? 'is required' : 'must be an amount in major units: a number or a decimal string such as "12.34"');
    return false;
  }
  try {
    // Without the currency, check the form with the most decimals any currency has (CLF: 4).
    toMinor(v, cur ?? 'CLF', path);
  } catch (e) {
    const reason = (e as { reason?: string }).reason ?? String(e);
    out.add(path, cur === undefined && reason.startsWith('has more decimals') ? 'has more decimals than any currency allows' : reason);
    return false;
  }
  return true;
}
