import type { IngestItem } from '../../domain/ingest';
import { formatMinor } from '../../domain/money';
import { countMetric } from '../../runtime/observability';
import { stableId } from '../../runtime/ports';
import { WriteRaceError, type DeliveryRef } from '../../store/orders-repo';
import type { Outcome } from '../ingest/ingest-order';
import { resolveCustomer } from '../ingest/resolve-customer';
import { settingsOf, type Ctx } from './common';
import { changeItems, draftTicket } from './tickets';

/**
 * An after-sales request from a shop or app (the generic webhook's `aftersales.request`: refund,
 * return, exchange, repair) opens a ticket of that type for the customer, linked to the order.
 * The ticket and the delivery marker are one transaction; the ticket id is derived from the
 * request, so a second delivery of the same request (another delivery id) opens nothing new.
 */
const TITLES = { refund: 'Refund request', return: 'Return request', exchange: 'Exchange request', repair: 'Repair request' } as const;

export async function ingestAfterSales(ctx: Ctx, item: Extract<IngestItem, { type: 'aftersales' }>, delivery: DeliveryRef): Promise<Outcome> {
  const { deps } = ctx;
  const id = stableId(Date.parse(item.occurredAt), `aftersales:${item.platform}:${item.store}:${item.requestId}`);
  for (let attempt = 0; ; attempt++) {
    const now = deps.clock.now().toISOString();
    if (await deps.tickets.get(id)) return (await deps.orders.markDelivered(delivery, now)) ? 'stale' : 'duplicate';
    const { customerId } = await resolveCustomer(ctx, item.identity);
    const settings = await settingsOf(ctx);
    const amount = item.amountMinor !== undefined && item.currency ? `\nAmount: ${formatMinor(item.amountMinor, item.currency)} ${item.currency}` : '';
    const change = await draftTicket(
      ctx,
      {
        subject: `${TITLES[item.kind]}${item.orderId ? ` for order ${item.orderId}` : ''}`,
        description: `${item.reason}${amount}`,
        type: item.kind,
        ...(item.priority ? { priority: item.priority } : {}),
        channel: 'webhook',
        customerId,
        ...(item.orderId ? { order: { platform: item.platform, store: item.store, orderId: item.orderId } } : {}),
        tags: ['after-sales'],
        source: 'webhook',
        sourceRef: `${item.platform}:${item.store}:${item.requestId}`,
      },
      settings,
      id,
    );
    try {
      const applied = await deps.orders.markDelivered(delivery, now, changeItems(ctx, undefined, change, settings).items);
      if (applied) countMetric('AfterSalesTickets');
      return applied ? 'applied' : 'duplicate';
    } catch (e) {
      // The ticket was opened meanwhile (another delivery of the request), or a hand-out raced: look again.
      if (e instanceof WriteRaceError && attempt < 5) continue;
      throw e;
    }
  }
}
