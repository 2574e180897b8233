import { ValidationError, type FieldIssue } from '../errors';

/**
 * The parts of a report query besides the period: which metrics (`metrics=a,b`), a breakdown
 * dimension (`by=store`) and filters (`store=...`, `channel=...`). Unknown metrics or dimensions
 * and malformed filter values are refused with a 400 naming each one. Pure.
 */
export interface MetricChoice<M extends string> {
  metrics: M[];
}

/** `metrics=a,b` against the report's metric names; absent or empty means all of them. */
export function chooseMetrics<M extends string>(raw: string | undefined, known: readonly M[]): M[] {
  if (raw === undefined || raw.trim() === '') return [...known];
  const asked = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = asked.filter((m) => !(known as readonly string[]).includes(m));
  if (unknown.length) throw ValidationError.field('metrics', `unknown metric${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => JSON.stringify(u)).join(', ')}; known: ${known.join(', ')}`);
  return [...new Set(asked)] as M[];
}

/** A breakdown dimension the report supports, or undefined. */
export function chooseDimension<D extends string>(raw: string | undefined, known: readonly D[], field = 'by'): D | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!(known as readonly string[]).includes(raw)) {
    throw ValidationError.field(field, known.length ? `unknown dimension ${JSON.stringify(raw)}; this report breaks down by ${known.join(', ')}` : `this report has no breakdown dimensions (got ${JSON.stringify(raw)})`);
  }
  return raw as D;
}

/** Printable text without control characters, 1–255 characters, trimmed: a store, channel or rep. */
const FILTER_VALUE = /^[^\u0000-\u001f\u007f]{1,255}$/;

export interface Filter {
  dim: 'store' | 'channel';
  value: string;
}

/**
 * The store or channel filter (one at a time: counters are kept per dimension, not per pair).
 * Each value must be 1–255 printable characters.
 */
export function chooseFilter(q: { store?: string; channel?: string }, allowed: readonly ('store' | 'channel')[]): Filter | undefined {
  const issues: FieldIssue[] = [];
  const given = (['store', 'channel'] as const).filter((d) => q[d] !== undefined);
  for (const d of given) {
    const v = q[d]!;
    if (!allowed.includes(d)) issues.push({ field: d, message: allowed.length ? `this report filters by ${allowed.join(' or ')} only` : 'this report takes no filters' });
    else if (!FILTER_VALUE.test(v) || v.trim() !== v) issues.push({ field: d, message: 'must be 1-255 printable characters without leading or trailing spaces' });
  }
  if (issues.length) throw new ValidationError(issues);
  if (given.length > 1) throw ValidationError.field(given[1]!, `filter by one of ${given.join(' or ')} at a time`);
  const dim = given[0];
  return dim ? { dim, value: q[dim]! } : undefined;
}

/** A currency code for money metrics (ISO 4217 shape). */
export function chooseCurrency(raw: string | undefined, fallback: string): string {
  if (raw === undefined) return fallback;
  if (!/^[A-Z]{3}$/.test(raw)) throw ValidationError.field('currency', 'must be an ISO 4217 code such as USD');
  return raw;
}
