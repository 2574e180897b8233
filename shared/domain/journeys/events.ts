import type { FieldIssue } from '../errors';
import { FILTER_OPS, type EventFilter, type EventMatcher, type FilterValue } from './types';

/**
 * Events as journeys see them: a type and its data. Which event types exist and what fields their
 * data has come from the event catalog (passed in, the domain does not import it): a journey may
 * use an event whose data names a customer (`customerId`). Filters test one field each; derived
 * fields (computed by the caller from the customer's facts) extend the data, e.g. `isFirstOrder`
 * on OrderPlaced.
 */
export type FieldKind = 'string' | 'number' | 'boolean' | 'list';
/** Data fields of each usable event type, with their kinds (derived fields included). */
export type EventFields = Readonly<Record<string, Readonly<Record<string, FieldKind>>>>;

export interface EventLike {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Fields a journey may test that are not in the event's data but derived from the customer's facts. */
export const DERIVED_FIELDS: Readonly<Record<string, Readonly<Record<string, FieldKind>>>> = {
  OrderPlaced: { isFirstOrder: 'boolean' },
};

const MAX_FILTERS = 10;
const MAX_LIST = 100;

const scalarOk = (kind: FieldKind, v: unknown) => (kind === 'number' ? typeof v === 'number' && Number.isFinite(v) : kind === 'boolean' ? typeof v === 'boolean' : typeof v === 'string' && v.length > 0 && v.length <= 256);

/** Problems of a list of filters on an event type's data, each naming its path. */
export function filterIssues(filters: unknown, fields: Readonly<Record<string, FieldKind>>, path: string): FieldIssue[] {
  if (filters === undefined) return [];
  if (!Array.isArray(filters)) return [{ field: path, message: 'must be a list of filters' }];
  const issues: FieldIssue[] = [];
  if (filters.length > MAX_FILTERS) issues.push({ field: path, message: `at most ${MAX_FILTERS} filters` });
  filters.slice(0, MAX_FILTERS).forEach((raw, i) => {
    const p = `${path}[${i}]`;
    const f = raw as Partial<EventFilter>;
    if (typeof f !== 'object' || f === null) return void issues.push({ field: p, message: 'must be a filter {field, op, value}' });
    const kind = typeof f.field === 'string' && Object.hasOwn(fields, f.field) ? fields[f.field] : undefined;
    if (!kind) return void issues.push({ field: `${p}.field`, message: `is not a field of this event (fields: ${Object.keys(fields).filter((k) => k !== 'customerId').join(', ')})` });
    if (!FILTER_OPS.includes(f.op as never)) return void issues.push({ field: `${p}.op`, message: `must be one of ${FILTER_OPS.join(', ')}` });
    if (f.op === 'exists') {
      if (f.value !== undefined && typeof f.value !== 'boolean') issues.push({ field: `${p}.value`, message: 'must be true or false (or absent: true)' });
      return;
    }
    if (f.op === 'in' || f.op === 'nin') {
      if (kind === 'boolean' || kind === 'list') return void issues.push({ field: `${p}.op`, message: `is not an op for a ${kind} field` });
      if (!Array.isArray(f.value) || f.value.length === 0 || f.value.length > MAX_LIST || !f.value.every((v) => scalarOk(kind, v))) {
        issues.push({ field: `${p}.value`, message: `must be a list of 1-${MAX_LIST} ${kind}s` });
      }
      return;
    }
    if (['gt', 'gte', 'lt', 'lte'].includes(f.op!) && kind !== 'number' && kind !== 'string') return void issues.push({ field: `${p}.op`, message: `is not an op for a ${kind} field` });
    if (kind === 'list') {
      if (f.op !== 'eq' && f.op !== 'neq') return void issues.push({ field: `${p}.op`, message: 'a list field takes eq / neq (contains) or exists' });
      if (typeof f.value !== 'string' || !f.value) issues.push({ field: `${p}.value`, message: 'must be a string (an element of the list)' });
      return;
    }
    if (!scalarOk(kind, f.value)) issues.push({ field: `${p}.value`, message: `must be a ${kind}` });
  });
  return issues;
}

function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

/** Does the data pass one filter? A missing field passes only `exists: false` and `neq`/`nin`. */
export function passes(f: EventFilter, data: Record<string, unknown>): boolean {
  const v = data[f.field];
  const present = v !== undefined && v !== null && v !== '';
  if (f.op === 'exists') return present === (f.value === undefined ? true : f.value === true);
  if (Array.isArray(v)) {
    const has = v.includes(f.value);
    return f.op === 'eq' ? has : f.op === 'neq' ? !has : false;
  }
  switch (f.op) {
    case 'eq':
      return present && v === f.value;
    case 'neq':
      return !present || v !== f.value;
    case 'in':
      return present && (f.value as FilterValue[]).includes(v as never);
    case 'nin':
      return !present || !(f.value as FilterValue[]).includes(v as never);
    default: {
      const c = compare(v, f.value);
      if (c === undefined) return false;
      return f.op === 'gt' ? c > 0 : f.op === 'gte' ? c >= 0 : f.op === 'lt' ? c < 0 : c <= 0;
    }
  }
}

export const passesAll = (filters: readonly EventFilter[] | undefined, data: Record<string, unknown>) => (filters ?? []).every((f) => passes(f, data));

export function matches(m: EventMatcher, e: { type: string; data: Record<string, unknown> }): boolean {
  return m.event === e.type && passesAll(m.filters, e.data);
}

/** Problems of an event matcher (`exit.events[0]`, `goal`): a usable type and filters on its fields. */
export function matcherIssues(m: unknown, fields: EventFields, path: string): FieldIssue[] {
  const x = m as Partial<EventMatcher>;
  if (typeof x !== 'object' || x === null) return [{ field: path, message: 'must be {event, filters?}' }];
  const f = typeof x.event === 'string' && Object.hasOwn(fields, x.event) ? fields[x.event] : undefined;
  if (!f) return [{ field: `${path}.event`, message: unknownEvent(x.event, fields) }];
  return filterIssues(x.filters, f, `${path}.filters`);
}

export function unknownEvent(name: unknown, fields: EventFields): string {
  return `${JSON.stringify(name)} is not an event a journey can use (events about a customer: ${Object.keys(fields).sort().join(', ')})`;
}

/** The trigger index entry a live journey is listed under: its event type, SegmentEntered, or `date`. */
export function triggerIndexKey(t: { type: string; event?: string }): string {
  return t.type === 'event' ? t.event! : t.type === 'segment' ? 'SegmentEntered' : 'date';
}
