import { aggregateOrders, applyActivity, applyContribution, contribution, orderSpan, type Aggregates, type StoredOrder } from '../../domain/orders';
import { ORDER_ENTITY, orderFromItem } from '../../store/orders-repo';
import { TIMELINE_ENTITY } from '../../store/partition-repo';
import { makeEvent, type EventEnvelope } from '../../events/envelope';
import type { Deps } from '../../runtime/deps';
import { stableId } from '../../runtime/ports';

/**
 * The aggregates projection: every committed change of an order item (from the table stream) moves
 * its customer's aggregates from the order's old contribution to its new one and becomes the order
 * event (OrderPlaced, OrderUpdated, OrderRefunded); every timeline item arriving in or leaving a
 * partition counts in (or out of) the customer's per-day activity.
 *
 * Exactly once: all items of a customer's partition share one stream shard, in commit order, so
 * the aggregates remember the sequence number of the last record they include and a redelivered
 * record is skipped. A record replayed from the dead-letter queue (`replay`) rebuilds the
 * aggregates from the partition instead, since later records may have passed it meanwhile.
 */
export interface OrderImage extends StoredOrder {
  lastWriteAt?: string;
  correlationId?: string;
  /** Set on the copy a merge or unmerge moved here: a move is not a new order. */
  movedAt?: string;
}

export interface OrderChange {
  /** The stream record's sequence number. */
  seq: string;
  customerId: string;
  /** The item's key, for stable event ids. */
  itemKey: string;
  before?: OrderImage;
  after?: OrderImage;
  /** When the stream saw the change (ISO); the occurredAt of events when the item lacks it. */
  seenAt: string;
}

/** Sequence numbers are decimal strings of up to 40 digits: padded, they compare as strings. */
export const padSeq = (seq: string) => seq.padStart(40, '0');

/** One change to a customer's aggregates, derived from one stream record. */
export interface AggregatesChange {
  seq: string;
  customerId: string;
  /** False for a removal: nothing to take from when the aggregates are gone (a purged customer). */
  adds: boolean;
  apply(agg: Aggregates, today: string): { next: Aggregates; needsRecompute: boolean };
}

/** The aggregates change of an order change: the order's old contribution out, its new one in. */
export function orderAggregatesChange(change: OrderChange): AggregatesChange {
  return {
    seq: change.seq,
    customerId: change.customerId,
    adds: !!change.after,
    apply: (agg, today) => applyContribution(agg, contribution(change.before), contribution(change.after), today),
  };
}

/** The activity key a timeline item counts under, if any. */
export function timelineActivityKey(item: Record<string, unknown>): string | undefined {
  if (item.kind === 'checkout' && (item.data as { status?: string } | undefined)?.status === 'abandoned') return 'checkout:abandoned';
  const type = (item.interaction as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? `interaction:${type}` : undefined;
}

/** A timeline item arriving in (+1) or leaving (-1) a partition counts in its day's activity. */
export function activityChange(seq: string, customerId: string, key: string, occurredAt: string, delta: 1 | -1): AggregatesChange {
  return { seq, customerId, adds: delta > 0, apply: (agg, today) => ({ next: applyActivity(agg, key, occurredAt.slice(0, 10), delta, today), needsRecompute: false }) };
}

/** The aggregates from scratch: the partition's orders and activity as they are now (replays). */
export async function rebuildAggregates(deps: Deps, customerId: string, version: number, today: string): Promise<Aggregates> {
  const items = await deps.partition.partitionItems(customerId);
  const orders = items.filter((i) => i.entity === ORDER_ENTITY).map(orderFromItem);
  let agg = aggregateOrders(orders, today, version);
  for (const i of items) {
    const key = i.entity === TIMELINE_ENTITY ? timelineActivityKey(i) : undefined;
    if (key && typeof i.occurredAt === 'string') agg = { ...applyActivity(agg, key, i.occurredAt.slice(0, 10), 1, today), version: agg.version };
  }
  return agg;
}

export async function projectAggregates(deps: Deps, change: AggregatesChange, opts: { replay?: boolean } = {}): Promise<'applied' | 'skipped'> {
  const seq = padSeq(change.seq);
  const today = deps.clock.now().toISOString().slice(0, 10);
  for (let attempt = 0; attempt < 10; attempt++) {
    const stored = await deps.orders.storedAggregates(change.customerId);
    if (!opts.replay && stored.streamSeq && stored.streamSeq >= seq) return 'skipped';
    // A removal from a partition without aggregates: the customer was purged (nothing to take from).
    if (!change.adds && !stored.exists) return 'skipped';
    const current = stored.aggregates;
    let next: Aggregates;
    if (opts.replay) {
      next = await rebuildAggregates(deps, change.customerId, current.version + 1, today);
    } else {
      const moved = change.apply(current, today);
      next = moved.next;
      if (moved.needsRecompute) {
        // The first or last order stopped counting: the span is read again from the orders as they are now.
        const { firstOrderAt: _f, lastOrderAt: _l, ...rest } = next;
        next = { ...rest, ...orderSpan(await deps.orders.listByCustomer(change.customerId)) };
      }
    }
    const keep = stored.streamSeq && stored.streamSeq > seq ? stored.streamSeq : seq;
    if (await deps.orders.putAggregates(change.customerId, next, current.version, keep)) return 'applied';
  }
  throw new Error(`aggregates of customer ${change.customerId} kept changing; the record will be retried`);
}

/** The events an order change means (none for a removal or a merge moving the order). */
export function orderEvents(change: OrderChange): EventEnvelope[] {
  const { before, after } = change;
  if (!after || after.movedAt) return [];
  const ref = { customerId: change.customerId, orderId: after.orderId, platform: after.platform, store: after.store };
  const at = after.lastWriteAt ?? change.seenAt;
  const meta = (kind: string, extra = '') => ({
    id: stableId(Date.parse(at), `${change.itemKey}|${kind}|${after.updatedAt}|${extra}`),
    occurredAt: at,
    correlationId: after.correlationId ?? `stream:${change.seq}`,
  });
  if (!before) return [makeEvent('OrderPlaced', { ...ref, totalMinor: after.totalMinor, currency: after.currency, placedAt: after.placedAt }, meta('placed'))];
  const refunds = Object.entries(after.refunds ?? {}).filter(([id, amount]) => before.refunds?.[id] !== amount);
  if (refunds.length) return refunds.map(([refundId, amountMinor]) => makeEvent('OrderRefunded', { ...ref, refundId, amountMinor, currency: after.currency }, meta('refunded', refundId)));
  if (before.updatedAt !== after.updatedAt || before.status !== after.status) return [makeEvent('OrderUpdated', { ...ref, status: after.status }, meta('updated'))];
  return [];
}
