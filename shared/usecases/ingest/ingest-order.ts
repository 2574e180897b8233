import { IngestError, type NormalizedOrder } from '../../domain/ingest';
import { formatMinor } from '../../domain/money';
import type { TimelineEntry } from '../../domain/interaction';
import { aggregateOrders, applyContribution, contribution, isNewer, mergeOrder, type StoredOrder } from '../../domain/orders';
import type { EventEnvelope } from '../../events/envelope';
import { stableId } from '../../runtime/ports';
import { countMetric } from '../../runtime/observability';
import { DuplicateDeliveryError, WriteRaceError, type DeliveryRef } from '../../store/orders-repo';
import { event, type Ctx } from '../customers';
import { completeCheckout } from './ingest-other';
import { resolveCustomer } from './resolve-customer';

export type Outcome = 'applied' | 'stale' | 'duplicate';
const RETRIES = 8;

function orderEntry(o: StoredOrder): TimelineEntry {
  return {
    id: stableId(Date.parse(o.placedAt), `order:${o.platform}:${o.store}:${o.orderId}`),
    kind: 'order',
    occurredAt: o.placedAt,
    summary: `Order ${o.orderNumber ?? o.orderId} ${o.status}, ${formatMinor(o.totalMinor, o.currency)} ${o.currency}`,
    data: { platform: o.platform, store: o.store, orderId: o.orderId, status: o.status, totalMinor: o.totalMinor, currency: o.currency, items: o.lines.length, channel: o.channel },
  };
}

interface Change {
  /** The order's next state, or 'stale' when the delivery changes nothing. */
  next(existing: StoredOrder | undefined, customerId: string, now: string): StoredOrder | 'stale';
  event(existing: StoredOrder | undefined, next: StoredOrder, now: string): EventEnvelope;
  customer(existing: StoredOrder | undefined): Promise<string>;
}

/**
 * Applies one change to one order: the order, its customer's aggregates, the timeline entry, the
 * event and the delivery marker are written in one transaction, guarded by the state they were
 * computed from. Duplicates and older updates change nothing; races are read again and retried.
 */
async function applyOrderChange(ctx: Ctx, key: Pick<NormalizedOrder, 'platform' | 'store' | 'orderId'>, delivery: DeliveryRef, change: Change): Promise<Outcome> {
  const { deps } = ctx;
  for (let attempt = 0; ; attempt++) {
    const now = deps.clock.now().toISOString();
    const existing = await deps.orders.get(key.platform, key.store, key.orderId);
    const customerId = await change.customer(existing);
    const next = change.next(existing, customerId, now);
    if (next === 'stale') {
      countMetric('OrdersStale');
      return (await deps.orders.markDelivered(delivery, now)) ? 'stale' : 'duplicate';
    }
    const agg = await deps.orders.aggregates(customerId);
    const today = now.slice(0, 10);
    let { next: aggregates, needsRecompute } = applyContribution(agg, contribution(existing), contribution(next), today);
    if (needsRecompute) {
      const same = (o: StoredOrder) => o.platform === next.platform && o.store === next.store && o.orderId === next.orderId;
      const others = (await deps.orders.listByCustomer(customerId)).filter((o) => !same(o));
      aggregates = aggregateOrders([...others, next], today, agg.version);
    }
    try {
      await deps.orders.saveOrder({
        order: next,
        ...(existing ? { previousUpdatedAt: existing.updatedAt } : {}),
        aggregates,
        previousAggregatesVersion: agg.version,
        timeline: orderEntry(next),
        event: change.event(existing, next, now),
        delivery,
        now,
      });
      return 'applied';
    } catch (e) {
      if (e instanceof DuplicateDeliveryError) return 'duplicate';
      if (e instanceof WriteRaceError && attempt < RETRIES) {
        await new Promise((r) => setTimeout(r, 10 * 2 ** Math.min(attempt, 5) + Math.random() * 20));
        continue;
      }
      throw e;
    }
  }
}

const refOf = (o: StoredOrder) => ({ customerId: o.customerId, orderId: o.orderId, platform: o.platform, store: o.store });

/** An order state from a shop (create, update, paid, cancelled): the customer is resolved at first sight and kept. */
export async function ingestOrder(ctx: Ctx, incoming: NormalizedOrder, delivery: DeliveryRef): Promise<Outcome> {
  const outcome = await applyOrderChange(ctx, incoming, delivery, {
    customer: async (existing) => existing?.customerId ?? (await resolveCustomer(ctx, incoming.identity)).customerId,
    next: (existing, customerId, now) => (existing && !isNewer(existing, incoming) ? 'stale' : mergeOrder(existing, incoming, customerId, now)),
    event: (existing, next, now) =>
      existing
        ? event(ctx, 'OrderUpdated', { ...refOf(next), status: next.status }, now)
        : event(ctx, 'OrderPlaced', { ...refOf(next), totalMinor: next.totalMinor, currency: next.currency, placedAt: next.placedAt }, now),
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
  return applyOrderChange(ctx, refund, delivery, {
    customer: async (existing) => {
      // The order may still be on its way (deliveries are not ordered): retry later, then DLQ.
      if (!existing) throw new Error(`order ${refund.platform}/${refund.store}/${refund.orderId} not seen yet; the refund will be retried`);
      if (existing.currency !== refund.currency) throw new IngestError(`refund currency ${refund.currency} differs from the order's ${existing.currency}`, 'currency');
      return existing.customerId;
    },
    next: (existing) => {
      const o = existing!;
      if (o.refunds[refund.refundId] === refund.amountMinor) return 'stale';
      const refunds = { ...o.refunds, [refund.refundId]: refund.amountMinor };
      const total = Object.values(refunds).reduce((a, b) => a + b, 0);
      return { ...o, refunds, status: o.status === 'cancelled' ? 'cancelled' : total >= o.totalMinor ? 'refunded' : 'partially_refunded' };
    },
    event: (_e, next, now) => event(ctx, 'OrderRefunded', { ...refOf(next), refundId: refund.refundId, amountMinor: refund.amountMinor, currency: refund.currency }, now),
  });
}
