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
  /** Net spend per currency and UTC day (the value models' repeat spend), pruned like `days`. */
  daySpend?: Record<string, Record<string, number>>;
  /**
   * Behaviour per kind and UTC day, pruned like `days`: `product:<name>` and `category:<name>`
   * (orders containing them), `interaction:<type>` (timeline interactions), `checkout:abandoned`.
   */
  activity?: Record<string, Record<string, number>>;
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
  /** Activity keys the order counts once on its day: `product:<name>`, `category:<name>`. */
  activity: string[];
}

/** The activity keys of an order: each product and category it contains, once. */
export function orderActivity(o: Pick<NormalizedOrder, 'lines'>): string[] {
  const keys = new Set<string>();
  for (const l of o.lines) {
    if (l.product) keys.add(`product:${l.product}`);
    if (l.category) keys.add(`category:${l.category}`);
  }
  return [...keys].sort();
}

/** What one order adds to its customer's aggregates. A cancelled order adds nothing. */
export function contribution(o: StoredOrder | undefined): Contribution | undefined {
  if (!o || !COUNTED.includes(o.status)) return undefined;
  const refunded = Math.max(o.refundedMinor, sum(Object.values(o.refunds)));
  return { count: 1, currency: o.currency, netMinor: o.totalMinor - refunded, refundedMinor: refunded, day: o.placedAt.slice(0, 10), placedAt: o.placedAt, activity: orderActivity(o) };
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
  const move = (c: Contribution, sign: 1 | -1) => {
    next = {
      ...next,
      orderCount: next.orderCount + sign,
      spentMinor: bump(next.spentMinor, c.currency, sign * c.netMinor),
      refundedMinor: bump(next.refundedMinor, c.currency, sign * c.refundedMinor),
      days: bump(next.days, c.day, sign),
      daySpend: { ...(next.daySpend ?? {}), [c.currency]: bump(next.daySpend?.[c.currency] ?? {}, c.day, sign * c.netMinor) },
    };
    for (const key of c.activity) next = bumpActivity(next, key, c.day, sign);
  };
  if (before) move(before, -1);
  if (after) {
    move(after, 1);
    if (!next.firstOrderAt || after.placedAt < next.firstOrderAt) next.firstOrderAt = after.placedAt;
    if (!next.lastOrderAt || after.placedAt > next.lastOrderAt) next.lastOrderAt = after.placedAt;
  }
  const lostBoundary = !!before && (before.placedAt === agg.firstOrderAt || before.placedAt === agg.lastOrderAt) && before.placedAt !== after?.placedAt;
  return { next: prune(next, today), needsRecompute: lostBoundary };
}

function bumpActivity(agg: Aggregates, key: string, day: string, delta: number): Aggregates {
  const days = bump(agg.activity?.[key] ?? {}, day, delta);
  const activity = { ...(agg.activity ?? {}), [key]: days };
  if (Object.keys(days).length === 0) delete activity[key];
  return { ...agg, activity };
}

/**
 * Counts one timeline item (an interaction, an abandoned checkout) in the activity of its day, or
 * takes it back (`delta` -1: the item left the partition).
 */
export function applyActivity(agg: Aggregates, key: string, day: string, delta: 1 | -1, today: string): Aggregates {
  return prune(bumpActivity({ ...agg, version: agg.version + 1 }, key, day, delta), today);
}

/** Drops the days older than the window from every per-day map. */
function prune(agg: Aggregates, today: string): Aggregates {
  const out: Aggregates = { ...agg, days: pruneDays(agg.days, today) };
  if (agg.daySpend) {
    const spend: Record<string, Record<string, number>> = {};
    for (const [cur, days] of Object.entries(agg.daySpend)) {
      const kept = pruneDays(days, today, true);
      if (Object.keys(kept).length) spend[cur] = kept;
    }
    out.daySpend = spend;
  }
  if (agg.activity) {
    const activity: Record<string, Record<string, number>> = {};
    for (const [key, days] of Object.entries(agg.activity)) {
      const kept = pruneDays(days, today);
      if (Object.keys(kept).length) activity[key] = kept;
    }
    out.activity = activity;
  }
  return out;
}

/** Days within the window; counts must be positive, amounts (`signed`) only non-zero. */
export function pruneDays(days: Record<string, number>, today: string, signed = false): Record<string, number> {
  const cutoff = new Date(Date.parse(`${today}T00:00:00Z`) - DAY_WINDOW * 86_400_000).toISOString().slice(0, 10);
  return Object.fromEntries(Object.entries(days).filter(([d, n]) => d >= cutoff && (signed ? n !== 0 : n > 0)));
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
