import type { NormalizedOrder, OrderStatus } from './ingest';
import type { TimelineEntry } from './interaction';
import { formatMinor } from './money';

/**
 * Orders and the customer aggregates they add up to. Pure rules, exact under at-least-once
 * delivery: an order's contribution to the aggregates is a function of its latest state only, so a
 * duplicate changes nothing, and an older update arriving after a newer one is ignored.
 */
export interface StoredOrder extends NormalizedOrder {
  customerId: string;
  /** Refunds seen so far by refund id (refunds/create arrives on its own). */
  refunds: Record<string, number>;
  firstSeenAt: string;
  /** The merges that moved this order between customers (undone from the end by unmerge). */
  mergeTrail?: string[];
}

export interface Aggregates {
  orderCount: number;
  /** Spend net of refunds, per currency, in minor units. */
  spentMinor: Record<string, number>;
  refundedMinor: Record<string, number>;
  firstOrderAt?: string;
  lastOrderAt?: string;
  /** Orders per UTC day (YYYY-MM-DD) for time-window rules; days older than DAY_WINDOW are pruned. */
  days: Record<string, number>;
  version: number;
}

export const DAY_WINDOW = 400;
export const EMPTY_AGGREGATES: Aggregates = { orderCount: 0, spentMinor: {}, refundedMinor: {}, days: {}, version: 0 };

const COUNTED: readonly OrderStatus[] = ['pending', 'paid', 'fulfilled', 'partially_refunded', 'refunded'];

export interface Contribution {
  count: 0 | 1;
  currency: string;
  netMinor: number;
  refundedMinor: number;
  day: string;
  placedAt: string;
}

/** What one order adds to its customer's aggregates. A cancelled order adds nothing. */
export function contribution(o: StoredOrder | undefined): Contribution | undefined {
  if (!o || !COUNTED.includes(o.status)) return undefined;
  const refunded = Math.max(o.refundedMinor, sum(Object.values(o.refunds)));
  return { count: 1, currency: o.currency, netMinor: o.totalMinor - refunded, refundedMinor: refunded, day: o.placedAt.slice(0, 10), placedAt: o.placedAt };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Is `incoming` newer than what is stored? Equal timestamps are duplicates. */
export function isNewer(stored: Pick<NormalizedOrder, 'updatedAt'> | undefined, incoming: Pick<NormalizedOrder, 'updatedAt'>): boolean {
  return !stored || Date.parse(incoming.updatedAt) > Date.parse(stored.updatedAt);
}

/** Merges an incoming order state into the stored one (refunds seen separately are kept). */
export function mergeOrder(stored: StoredOrder | undefined, incoming: NormalizedOrder, customerId: string, now: string): StoredOrder {
  return { ...incoming, customerId, refunds: stored?.refunds ?? {}, firstSeenAt: stored?.firstSeenAt ?? now, ...(stored?.mergeTrail ? { mergeTrail: stored.mergeTrail } : {}) };
}

function bump(map: Record<string, number>, key: string, delta: number): Record<string, number> {
  const out = { ...map, [key]: (map[key] ?? 0) + delta };
  if (out[key] === 0) delete out[key];
  return out;
}

/**
 * Moves the aggregates from an order's old contribution to its new one. When the order that
 * defined the first or last order time stops counting, `needsRecompute` asks for a full pass
 * over the customer's orders (rare: a cancellation of the first or last order).
 */
export function applyContribution(agg: Aggregates, before: Contribution | undefined, after: Contribution | undefined, today: string): { next: Aggregates; needsRecompute: boolean } {
  let next: Aggregates = { ...agg, version: agg.version + 1 };
  if (before) {
    next = { ...next, orderCount: next.orderCount - 1, spentMinor: bump(next.spentMinor, before.currency, -before.netMinor), refundedMinor: bump(next.refundedMinor, before.currency, -before.refundedMinor), days: bump(next.days, before.day, -1) };
  }
  if (after) {
    next = { ...next, orderCount: next.orderCount + 1, spentMinor: bump(next.spentMinor, after.currency, after.netMinor), refundedMinor: bump(next.refundedMinor, after.currency, after.refundedMinor), days: bump(next.days, after.day, 1) };
    if (!next.firstOrderAt || after.placedAt < next.firstOrderAt) next.firstOrderAt = after.placedAt;
    if (!next.lastOrderAt || after.placedAt > next.lastOrderAt) next.lastOrderAt = after.placedAt;
  }
  const lostBoundary = !!before && (before.placedAt === agg.firstOrderAt || before.placedAt === agg.lastOrderAt) && before.placedAt !== after?.placedAt;
  next.days = pruneDays(next.days, today);
  return { next, needsRecompute: lostBoundary };
}

export function pruneDays(days: Record<string, number>, today: string): Record<string, number> {
  const cutoff = new Date(Date.parse(`${today}T00:00:00Z`) - DAY_WINDOW * 86_400_000).toISOString().slice(0, 10);
  return Object.fromEntries(Object.entries(days).filter(([d, n]) => d >= cutoff && n > 0));
}

/** The aggregates of a set of orders, from scratch (recompute path, merges, tests). */
export function aggregateOrders(orders: StoredOrder[], today: string, version = 0): Aggregates {
  let agg: Aggregates = { ...EMPTY_AGGREGATES, version };
  for (const o of orders) agg = applyContribution(agg, undefined, contribution(o), today).next;
  return { ...agg, version: version + 1 };
}

/** How an order shows on its customer's timeline (the order item is the timeline item). */
export function orderTimelineEntry(o: StoredOrder, id: string): TimelineEntry {
  return {
    id,
    kind: 'order',
    occurredAt: o.placedAt,
    summary: `Order ${o.orderNumber ?? o.orderId} ${o.status}, ${formatMinor(o.totalMinor, o.currency)} ${o.currency}`,
    data: { platform: o.platform, store: o.store, orderId: o.orderId, status: o.status, totalMinor: o.totalMinor, currency: o.currency, items: o.lines.length, channel: o.channel },
  };
}

/** Earliest and latest placed time of the orders that count (the recompute path of a lost boundary). */
export function orderSpan(orders: readonly StoredOrder[]): { firstOrderAt?: string; lastOrderAt?: string } {
  let first: string | undefined;
  let last: string | undefined;
  for (const o of orders) {
    const c = contribution(o);
    if (!c) continue;
    if (!first || c.placedAt < first) first = c.placedAt;
    if (!last || c.placedAt > last) last = c.placedAt;
  }
  return { ...(first ? { firstOrderAt: first } : {}), ...(last ? { lastOrderAt: last } : {}) };
}
