import { IngestError, type NormalizedOrder } from '../../domain/ingest';
import { isNewer, mergeOrder, type StoredOrder } from '../../domain/orders';
import { stableId } from '../../runtime/ports';
import { countMetric } from '../../runtime/observability';
import { WriteRaceError, type DeliveryRef, type OrderRef } from '../../store/orders-repo';
import type { Ctx } from '../customers';
import { completeCheckout } from './ingest-other';
import { resolveCustomer } from './resolve-customer';

export type Outcome = 'applied' | 'stale' | 'duplicate';
const RETRIES = 8;

/** The order's timeline entry id: stable, so every copy of a delivery finds the same item. */
export const orderEntryId = (o: Pick<NormalizedOrder, 'platform' | 'store' | 'orderId' | 'placedAt'>) => stableId(Date.parse(o.placedAt), `order:${o.platform}:${o.store}:${o.orderId}`);

/** An order is missing where its pointer says while a merge moves it: the delivery is retried. */
export class OrderMovingError extends Error {}

interface Change {
  /** The order's next state, or 'stale' when the delivery changes nothing. */
  next(existing: StoredOrder | undefined, customerId: string, now: string): StoredOrder | 'stale';
  customer(existing: StoredOrder | undefined): Promise<string>;
}

/**
 * Finds where an order lives. A pointer whose item is missing is an order whose first write
 * crashed (written again at the same place), or one a merge is moving (retried later).
 */
async function locate(ctx: Ctx, key: Pick<NormalizedOrder, 'platform' | 'store' | 'orderId'>): Promise<{ ref?: OrderRef; existing?: StoredOrder }> {
  const { deps } = ctx;
  const ref = await deps.orders.ref(key.platform, key.store, key.orderId);
  if (!ref) return {};
  const existing = await deps.orders.getAt(ref);
  if (existing) return { ref, existing };
  const owner = await deps.customers.get(ref.customerId);
  if (owner?.status === 'merged' && owner.mergedInto) {
    const moved = { customerId: owner.mergedInto, entryId: ref.entryId };
    const there = await deps.orders.getAt(moved);
    if (there) {
      await deps.orders.repoint(key, moved);
      return { ref: moved, existing: there };
    }
  }
  if (owner && (owner.status !== 'active' || (await deps.customers.isLocked(ref.customerId)))) {
    throw new OrderMovingError(`order ${key.platform}/${key.store}/${key.orderId} is being moved by a merge; the delivery will be retried`);
  }
  return { ref };
}

/**
 * Applies one change to one order: one conditional Put of the order item in its customer's
 * partition, guarded by the state it was computed from. The aggregates, the timeline and the
 * order events follow from that write through the table stream. Duplicates and older updates
 * change nothing; races are read again and retried; the delivery is marked applied last, so a
 * crash before it is finished by the retry (which then finds the order already written).
 */
async function applyOrderChange(ctx: Ctx, key: Pick<NormalizedOrder, 'platform' | 'store' | 'orderId'>, delivery: DeliveryRef, change: Change): Promise<Outcome> {
  const { deps } = ctx;
  for (let attempt = 0; ; attempt++) {
    const now = deps.clock.now().toISOString();
    const { ref, existing } = await locate(ctx, key);
    const customerId = ref?.customerId ?? (await change.customer(existing));
    const next = change.next(existing, customerId, now);
    if (next === 'stale') {
      countMetric('OrdersStale');
      return (await deps.orders.markDelivered(delivery, now)) ? 'stale' : 'duplicate';
    }
    try {
      let at = ref;
      if (!at) {
        const wanted = { customerId, entryId: orderEntryId(next) };
        at = await deps.orders.claim(key.platform, key.store, key.orderId, wanted, now);
        if (at.customerId !== wanted.customerId || at.entryId !== wanted.entryId) throw new WriteRaceError('another delivery created this order first');
      }
      await deps.orders.put({ ...next, customerId: at.customerId }, at, existing?.updatedAt, { now, correlationId: ctx.correlationId });
      await deps.orders.markDelivered(delivery, now);
      return 'applied';
    } catch (e) {
      if (e instanceof WriteRaceError && attempt < RETRIES) {
        await new Promise((r) => setTimeout(r, 10 * 2 ** Math.min(attempt, 5) + Math.random() * 20));
        continue;
      }
      throw e;
    }
  }
}

/** An order state from a shop (create, update, paid, cancelled): the customer is resolved at first sight and kept. */
export async function ingestOrder(ctx: Ctx, incoming: NormalizedOrder, delivery: DeliveryRef): Promise<Outcome> {
  const outcome = await applyOrderChange(ctx, incoming, delivery, {
    customer: async (existing) => existing?.customerId ?? (await resolveCustomer(ctx, incoming.identity)).customerId,
    next: (existing, customerId, now) => (existing && !isNewer(existing, incoming) ? 'stale' : mergeOrder(existing, incoming, customerId, now)),
  });
  if (outcome === 'applied') countMetric('OrdersIngested');
  if (incoming.checkoutId) await completeCheckout(ctx, incoming.platform, incoming.store, incoming.checkoutId, incoming.orderId);
  return outcome;
}

/** A refund arrives on its own; it is kept by id on its order, so a repeat changes nothing. */
export async function ingestRefund(
  ctx: Ctx,
  refund: { platform: string; store: string; orderId: string; refundId: string; amountMinor: number; currency: string },
  delivery: DeliveryRef,
): Promise<Outcome> {
  const notYet = () => new Error(`order ${refund.platform}/${refund.store}/${refund.orderId} not seen yet; the refund will be retried`);
  return applyOrderChange(ctx, refund, delivery, {
    // The order may still be on its way (deliveries are not ordered): retry later, then DLQ.
    customer: async () => {
      throw notYet();
    },
    next: (existing) => {
      if (!existing) throw notYet();
      if (existing.currency !== refund.currency) throw new IngestError(`refund currency ${refund.currency} differs from the order's ${existing.currency}`, 'currency');
      if (existing.refunds[refund.refundId] === refund.amountMinor) return 'stale';
      const refunds = { ...existing.refunds, [refund.refundId]: refund.amountMinor };
      const total = Object.values(refunds).reduce((a, b) => a + b, 0);
      return { ...existing, refunds, status: existing.status === 'cancelled' ? 'cancelled' : total >= existing.totalMinor ? 'refunded' : 'partially_refunded' };
    },
  });
}
