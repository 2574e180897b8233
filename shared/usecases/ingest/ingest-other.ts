import { platformIdentity } from '../../domain/identity';
import type { IngestItem } from '../../domain/ingest';
import type { Interaction, TimelineEntry } from '../../domain/interaction';
import { formatMinor } from '../../domain/money';
import { TIMELINE_ENTITY } from '../../store/partition-repo';
import { interactionEntry } from '../../domain/interaction';
import { countMetric } from '../../runtime/observability';
import { stableId } from '../../runtime/ports';
import type { Checkout } from '../../store/checkouts-repo';
import { customerPk, privacyRequestKey, timelineSk } from '../../store/keys';
import { outboxPut } from '../../store/outbox';
import { WriteRaceError, type DeliveryRef } from '../../store/orders-repo';
import { event, type Ctx } from '../customers';
import type { Outcome } from './ingest-order';
import { resolveCustomer } from './resolve-customer';

type Item<T extends IngestItem['type']> = Extract<IngestItem, { type: T }>;

/** A customer record from a shop: found or created by identity, with the identities it lacked. */
export async function ingestCustomer(ctx: Ctx, item: Item<'customer'>, delivery: DeliveryRef): Promise<Outcome> {
  const r = await resolveCustomer(ctx, item.identity);
  const now = ctx.deps.clock.now().toISOString();
  const evt = event(ctx, 'CustomerUpserted', { customerId: r.customerId, created: r.created, source: item.identity.sourceChannel }, now);
  return (await ctx.deps.orders.markDelivered(delivery, now, [outboxPut(ctx.deps.db.tableName, evt)])) ? 'applied' : 'duplicate';
}

/**
 * A checkout started or changed: kept open until an order completes it; if none does within the
 * configured minutes, the abandoned-checkout sweep declares it an abandoned cart.
 */
export async function ingestCheckout(ctx: Ctx, item: Item<'checkout'>, delivery: DeliveryRef): Promise<Outcome> {
  const { deps } = ctx;
  for (let attempt = 0; ; attempt++) {
    const now = deps.clock.now().toISOString();
    const existing = await deps.checkouts.get(item.platform, item.store, item.checkoutId);
    if (existing && (existing.status !== 'open' || Date.parse(item.updatedAt) <= Date.parse(existing.updatedAt))) {
      return (await deps.orders.markDelivered(delivery, now)) ? 'stale' : 'duplicate';
    }
    const customerId = existing?.customerId ?? (await resolveCustomer(ctx, item.identity)).customerId;
    const completed = !!item.completedOrderId;
    const next: Checkout = {
      platform: item.platform,
      store: item.store,
      checkoutId: item.checkoutId,
      customerId,
      currency: item.currency,
      totalMinor: item.totalMinor,
      lines: item.lines,
      startedAt: existing?.startedAt ?? item.occurredAt,
      updatedAt: item.updatedAt,
      status: completed ? 'completed' : 'open',
      ...(completed ? { orderId: item.completedOrderId } : { abandonAt: new Date(Date.parse(item.updatedAt) + deps.config.checkoutAbandonMinutes * 60_000).toISOString() }),
    };
    const effects = [deps.checkouts.put(next, existing?.updatedAt)];
    if (!existing) {
      const data = { customerId, checkoutId: next.checkoutId, platform: next.platform, store: next.store, totalMinor: next.totalMinor, currency: next.currency };
      effects.push(outboxPut(deps.db.tableName, event(ctx, 'CheckoutStarted', data, now)));
    }
    try {
      return (await deps.orders.markDelivered(delivery, now, effects)) ? 'applied' : 'duplicate';
    } catch (e) {
      if (e instanceof WriteRaceError && attempt < 5) continue;
      throw e;
    }
  }
}

/** An order that names its checkout completes it, so it is never declared abandoned. */
export async function completeCheckout(ctx: Ctx, platform: string, store: string, checkoutId: string, orderId: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const c = await ctx.deps.checkouts.get(platform, store, checkoutId);
    if (!c || c.status === 'completed') return;
    const { abandonAt: _a, ...rest } = c;
    if (await ctx.deps.checkouts.save({ ...rest, status: 'completed', orderId }, c.updatedAt)) return;
  }
}

/** Browse, add-to-cart and inquiry events land on the timeline; an inquiry is an interaction. */
export async function ingestBehaviour(ctx: Ctx, item: Item<'behaviour'>, delivery: DeliveryRef): Promise<Outcome> {
  const { customerId } = await resolveCustomer(ctx, item.identity);
  const now = ctx.deps.clock.now().toISOString();
  const type = item.action === 'add_to_cart' ? 'add-to-cart' : item.action;
  const summary = [item.action.replace(/_/g, ' '), item.product, item.note].filter(Boolean).join(': ');
  const interaction: Interaction = {
    id: stableId(Date.parse(item.occurredAt), `${delivery.source}:${delivery.sourceId}:${delivery.deliveryId}`),
    customerId,
    channel: 'web',
    type,
    direction: 'inbound',
    summary,
    occurredAt: item.occurredAt,
    authorId: `system:${delivery.source}`,
    createdAt: now,
  };
  const entry = interactionEntry(interaction);
  const evt = event(ctx, 'InteractionLogged', { customerId, interactionId: interaction.id, channel: 'web', type, occurredAt: item.occurredAt }, now);
  const put = { Put: { TableName: ctx.deps.db.tableName, Item: { PK: customerPk(customerId), SK: timelineSk(entry.id), entity: 'timeline', ...entry, interaction, product: item.product, category: item.category } } };
  countMetric('BehaviourEvents');
  return (await ctx.deps.orders.markDelivered(delivery, now, [put, outboxPut(ctx.deps.db.tableName, evt)])) ? 'applied' : 'duplicate';
}

/** Shopify's customers/data_request, customers/redact and shop/redact become recorded requests. */
export async function ingestPrivacy(ctx: Ctx, item: Item<'privacy'>, delivery: DeliveryRef): Promise<Outcome> {
  const now = ctx.deps.clock.now().toISOString();
  const pid = item.identity?.platformCustomerId;
  const customerId = pid ? await ctx.deps.customers.findIdByIdentity({ kind: 'platform', value: platformIdentity(item.platform, item.store, pid) }) : undefined;
  const record = { ...privacyRequestKey(item.platform, item.store, delivery.deliveryId), entity: 'privacy-request', request: item.request, platform: item.platform, store: item.store, customerId, receivedAt: now, occurredAt: item.occurredAt, status: 'received', dueAt: new Date(Date.parse(now) + 30 * 86_400_000).toISOString() };
  const evt = event(ctx, 'PrivacyRequestReceived', { request: item.request, platform: item.platform, store: item.store, ...(customerId ? { customerId } : {}) }, now);
  return (await ctx.deps.orders.markDelivered(delivery, now, [{ Put: { TableName: ctx.deps.db.tableName, Item: record } }, outboxPut(ctx.deps.db.tableName, evt)])) ? 'applied' : 'duplicate';
}

/** The sweep (every minute): open checkouts past their abandon time become abandoned carts, once. */
export async function abandonCheckouts(ctx: Ctx, batch = 100): Promise<number> {
  const now = ctx.deps.clock.now().toISOString();
  let abandoned = 0;
  for (const c of await ctx.deps.checkouts.due(now, batch)) {
    const { abandonAt: _a, ...rest } = c;
    const data = { customerId: c.customerId, checkoutId: c.checkoutId, platform: c.platform, store: c.store, totalMinor: c.totalMinor, currency: c.currency };
    const evt = outboxPut(ctx.deps.db.tableName, event(ctx, 'CheckoutAbandoned', data, now));
    // The abandoned cart on the customer's timeline (and so in their `checkout:abandoned` activity).
    const entry: TimelineEntry = {
      id: stableId(Date.parse(c.abandonAt ?? now), `checkout:${c.platform}:${c.store}:${c.checkoutId}`),
      kind: 'checkout',
      occurredAt: c.abandonAt ?? now,
      summary: `Checkout abandoned, ${formatMinor(c.totalMinor, c.currency)} ${c.currency}`,
      data: { status: 'abandoned', checkoutId: c.checkoutId, platform: c.platform, store: c.store, totalMinor: c.totalMinor, currency: c.currency, items: c.lines.length },
    };
    const timeline = { Put: { TableName: ctx.deps.db.tableName, Item: { PK: customerPk(c.customerId), SK: timelineSk(entry.id), entity: TIMELINE_ENTITY, ...entry } } };
    if (await ctx.deps.checkouts.save({ ...rest, status: 'abandoned' }, c.updatedAt, [evt, timeline])) abandoned++;
  }
  if (abandoned) countMetric('CheckoutsAbandoned', abandoned);
  return abandoned;
}
