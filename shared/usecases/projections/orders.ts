import { aggregateOrders, applyContribution, contribution, orderSpan, type Aggregates, type StoredOrder } from '../../domain/orders';
import { makeEvent, type EventEnvelope } from '../../events/envelope';
import type { Deps } from '../../runtime/deps';
import { stableId } from '../../runtime/ports';

/**
 * The order projection: every committed change of an order item (from the table stream) moves its
 * customer's aggregates from the order's old contribution to its new one, and becomes the order
 * event (OrderPlaced, OrderUpdated, OrderRefunded).
 *
 * Exactly once: all items of a customer's partition share one stream shard, in commit order, so
 * the aggregates remember the sequence number of the last record they include and a redelivered
 * record is skipped. A record replayed from the dead-letter queue (`replay`) rebuilds the
 * aggregates from the orders instead, since later records may have passed it meanwhile.
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

export async function projectOrderAggregates(deps: Deps, change: OrderChange, opts: { replay?: boolean } = {}): Promise<'applied' | 'skipped'> {
  const seq = padSeq(change.seq);
  const today = deps.clock.now().toISOString().slice(0, 10);
  for (let attempt = 0; attempt < 10; attempt++) {
    const stored = await deps.orders.storedAggregates(change.customerId);
    if (!opts.replay && stored.streamSeq && stored.streamSeq >= seq) return 'skipped';
    // A removal from a partition without aggregates: the customer was purged (nothing to take from).
    if (!change.after && !stored.exists) return 'skipped';
    const current = stored.aggregates;
    let next: Aggregates;
    if (opts.replay) {
      next = aggregateOrders(await deps.orders.listByCustomer(change.customerId), today, current.version);
    } else {
      const moved = applyContribution(current, contribution(change.before), contribution(change.after), today);
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
