import { contribution, type StoredOrder } from '../orders';

/**
 * What the event stream adds to the day counters (pure). Two kinds of counting, both exact under
 * at-least-once delivery:
 * - facts: an order or a checkout counts as it is now (its "facts"); every event about it moves the
 *   counters from what it counted before to what it counts now, so a repeated, late or reordered
 *   event changes nothing twice, and a refund or cancellation corrects the day the order was placed;
 * - events: one event is one count (a profile created, a message opened, a lead followed up), guarded
 *   by a marker per event id written in the same transaction.
 * Counter names are `name` or `name|CUR` for money in minor units of that currency.
 */
export type Counters = Record<string, number>;

export const FAMILIES = {
  orders: ['store', 'channel'],
  customers: ['channel', 'store'],
  checkouts: ['store'],
  messages: ['channel', 'source', 'origin'],
  leads: ['channel', 'rep'],
} as const satisfies Record<string, readonly string[]>;
export type Family = keyof typeof FAMILIES;
export type Dim<F extends Family> = (typeof FAMILIES)[F][number];

/** Counters to add on one day, under `all` and under each dimension's value ('-' when unknown). */
export interface RollupAdd {
  family: Family;
  day: string;
  values: Record<string, string>;
  counters: Counters;
}

export const UNKNOWN = '-';

export function negate(c: Counters): Counters {
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, -v]));
}

export function diffCounters(after: Counters, before: Counters): Counters {
  const out: Counters = {};
  for (const k of new Set([...Object.keys(after), ...Object.keys(before)])) {
    const d = (after[k] ?? 0) - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

export function addInto(into: Counters, more: Counters, sign = 1): Counters {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + sign * v;
  return into;
}

/** What one fact record counts: on one day, under its dimension values. */
export interface FactsCount {
  day: string;
  values: Record<string, string>;
  counters: Counters;
}

/**
 * The moves from what a thing counted before to what it counts now: one add when the day and
 * dimension values are the same (the difference), otherwise the old count taken back and the new one added.
 */
export function moves(family: Family, before: FactsCount | undefined, after: FactsCount | undefined): RollupAdd[] {
  const same = before && after && before.day === after.day && JSON.stringify(before.values) === JSON.stringify(after.values);
  if (same) {
    const d = diffCounters(after.counters, before.counters);
    return Object.keys(d).length ? [{ family, day: after.day, values: after.values, counters: d }] : [];
  }
  const out: RollupAdd[] = [];
  if (before && Object.keys(before.counters).length) out.push({ family, day: before.day, values: before.values, counters: negate(before.counters) });
  if (after && Object.keys(after.counters).length) out.push({ family, day: after.day, values: after.values, counters: after.counters });
  return out;
}

// ---- Orders

/**
 * An order's count on the UTC day it was placed, by store and sales channel: orders, net revenue
 * (total − refunds), gross, refunded, units per currency; a cancelled order counts only as cancelled.
 */
export function orderCount(o: StoredOrder | undefined): FactsCount | undefined {
  if (!o) return undefined;
  const values = { store: o.store || UNKNOWN, channel: o.channel || UNKNOWN };
  const day = o.placedAt.slice(0, 10);
  const c = contribution(o);
  if (!c) return o.status === 'cancelled' ? { day, values, counters: { cancelled: 1 } } : undefined;
  const units = o.lines.reduce((s, l) => s + (Number.isFinite(l.quantity) ? l.quantity : 0), 0);
  const cur = c.currency;
  const counters: Counters = { orders: 1, [`orders|${cur}`]: 1, [`revenue|${cur}`]: c.netMinor, [`gross|${cur}`]: c.netMinor + c.refundedMinor, [`refunded|${cur}`]: c.refundedMinor, units };
  return { day, values, counters: Object.fromEntries(Object.entries(counters).filter(([, v]) => v !== 0)) };
}

// ---- Checkouts (the checkout → order funnel, by the day the checkout started)

export interface CheckoutFacts {
  store: string;
  /** Known once the checkout's start was seen. */
  startedDay?: string;
  currency?: string;
  valueMinor?: number;
  abandoned?: boolean;
  completed?: boolean;
  orderCurrency?: string;
  orderValueMinor?: number;
}

/** A checkout counts on the day it started: started, abandoned, completed (an order), recovered (completed after being abandoned), values. */
export function checkoutCount(f: CheckoutFacts | undefined): FactsCount | undefined {
  if (!f?.startedDay) return undefined;
  const c: Counters = { started: 1 };
  if (f.currency && f.valueMinor) c[`startedValue|${f.currency}`] = f.valueMinor;
  if (f.abandoned) c.abandoned = 1;
  if (f.completed) {
    c.completed = 1;
    if (f.abandoned) c.recovered = 1;
    if (f.orderCurrency && f.orderValueMinor) c[`completedValue|${f.orderCurrency}`] = f.orderValueMinor;
  }
  return { day: f.startedDay, values: { store: f.store || UNKNOWN }, counters: c };
}

// ---- Events counted once each

export interface EventLike {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** What an event's subject looks like, for dimensions the event does not carry (a profile's channel and store). */
export interface EventContext {
  profile?: { sourceChannel?: string; store?: string };
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : UNKNOWN);

const CUSTOMER_COUNTERS: Record<string, string> = {
  CustomerCreated: 'created',
  CustomerDeleted: 'deleted',
  CustomerRestored: 'restored',
  CustomerMerged: 'merged',
  CustomerUnmerged: 'unmerged',
};

const MESSAGE_COUNTERS: Record<string, string> = {
  MessageSent: 'sent',
  MessageSkipped: 'skipped',
  MessageFailed: 'failed',
  MessageDelivered: 'delivered',
  MessageOpened: 'opened',
  MessageClicked: 'clicked',
  MessageBounced: 'bounced',
  MessageComplained: 'complained',
  MessageUnsubscribed: 'unsubscribed',
  MessageConverted: 'converted',
};

/** The kinds of message source counted one by one in the `origin` dimension (their number grows with campaigns, not customers). */
export const ORIGIN_KINDS: readonly string[] = ['campaign', 'journey'];

/**
 * A message's `origin` value: `<kind>:<id>:<channel>` for a campaign's or a journey's message (its
 * period figures, and per channel for a campaign's cost model), `-` for any other (a survey, a
 * reminder: their ids follow tickets and tasks, which would make the dimension grow with customers).
 */
export function originOf(d: Record<string, unknown>): string {
  const kind = d.sourceKind;
  const id = d.sourceId;
  if (typeof kind !== 'string' || !ORIGIN_KINDS.includes(kind) || typeof id !== 'string' || !id) return UNKNOWN;
  return `${kind}:${id}:${typeof d.channel === 'string' && d.channel ? d.channel : UNKNOWN}`;
}

/** An `origin` value's parts (undefined for `-` or a malformed value). */
export function originParts(value: string): { kind: string; id: string; channel: string } | undefined {
  const [kind = '', id = '', channel = '', ...rest] = value.split(':');
  if (rest.length || !ORIGIN_KINDS.includes(kind) || !id || !channel) return undefined;
  return { kind, id, channel };
}

/** Event types whose profile (channel, store) the counting needs. */
export const NEEDS_PROFILE: ReadonlySet<string> = new Set(Object.keys(CUSTOMER_COUNTERS));

/** The counts of one event (none for events counted through facts, or not counted at all). */
export function eventAdds(e: EventLike, ctx: EventContext = {}): RollupAdd[] {
  const day = e.occurredAt.slice(0, 10);
  const d = e.data;
  const customer = CUSTOMER_COUNTERS[e.type];
  if (customer) {
    // A merged-away profile's channel is the surviving data; the event's own channel wins for a creation.
    const channel = e.type === 'CustomerCreated' && typeof d.sourceChannel === 'string' ? d.sourceChannel : ctx.profile?.sourceChannel;
    return [{ family: 'customers', day, values: { channel: str(channel), store: str(ctx.profile?.store) }, counters: { [customer]: 1 } }];
  }
  const message = MESSAGE_COUNTERS[e.type];
  if (message) {
    const counters: Counters = { [message]: 1 };
    if (e.type === 'MessageConverted' && typeof d.amountMinor === 'number' && typeof d.currency === 'string') counters[`revenue|${d.currency}`] = d.amountMinor;
    return [{ family: 'messages', day, values: { channel: str(d.channel), source: str(d.sourceKind), origin: originOf(d) }, counters }];
  }
  switch (e.type) {
    case 'LeadCreated':
      return [{ family: 'leads', day, values: { channel: str(d.sourceChannel), rep: str(d.ownerId) }, counters: { created: 1 } }];
    case 'LeadConverted':
      return [{ family: 'leads', day, values: { channel: UNKNOWN, rep: str(d.ownerId) }, counters: { converted: 1, ...(d.opportunityId ? { withOpportunity: 1 } : {}) } }];
    case 'LeadFollowedUp':
      return [{ family: 'leads', day, values: { channel: UNKNOWN, rep: str(d.ownerId) }, counters: { followUps: 1 } }];
    default:
      return [];
  }
}

/** Event types counted one by one (marker-guarded), for the consumers' lists. */
export const MESSAGE_EVENT_TYPES = Object.keys(MESSAGE_COUNTERS);
