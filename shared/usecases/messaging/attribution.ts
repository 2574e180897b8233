import { pickAttribution, planFeedback, type Message } from '../../domain/messaging/messages';
import type { EventData } from '../../events/catalog';
import { countMetric } from '../../runtime/observability';
import { attributionKey } from '../../store/keys';
import { MessagesRepo } from '../../store/messages-repo';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';
import { settingsOf } from './decide';
import { backoff, messageEvent, outbox, statsItems, tryTransact } from './records';

/**
 * Orders attributed to messages (the OrderPlaced consumer). The rule (docs/messaging.md): among
 * the customer's marketing messages sent within the attribution window before the order, the last
 * one clicked, else the last one opened, else the last one delivered (or sent, where the channel
 * reports no delivery). The order is claimed once (a claim item per platform order), the message
 * gets the order and its revenue, and — for its first order — becomes converted; the counters and
 * MessageConverted go in the same transaction, so a redelivered OrderPlaced counts nothing twice.
 */
const DAY_MS = 86_400_000;

export async function attributeOrder(ctx: Ctx, order: EventData<'OrderPlaced'>): Promise<{ messageId: string } | undefined> {
  const { deps } = ctx;
  const settings = await settingsOf(ctx);
  const placedMs = Date.parse(order.placedAt);
  if (Number.isNaN(placedMs) || settings.attributionWindowDays <= 0) return undefined;
  const messages = repoOf(deps, MessagesRepo);
  // Created before sent: look a day further back for messages held by quiet hours.
  const from = new Date(placedMs - (settings.attributionWindowDays + 1) * DAY_MS).toISOString();
  const candidates: Message[] = [];
  let after: string | undefined;
  do {
    const page = await messages.byCustomer(order.customerId, { from, to: order.placedAt, limit: 100, ...(after ? { after } : {}) });
    candidates.push(...page.items);
    after = page.last;
  } while (after && candidates.length < 1000);
  for (let attempt = 0; attempt < 20; attempt++) {
    const pick = pickAttribution(candidates, placedMs, settings.attributionWindowDays);
    if (!pick) return undefined;
    const m = (await messages.get(pick.id)) ?? pick;
    const at = deps.clock.now().toISOString();
    const plan = planFeedback(m, 'converted', order.placedAt);
    const revenue = { currency: order.currency, amountMinor: order.totalMinor };
    const converted: Message = { ...m, ...(plan?.set ?? {}) };
    const r = await tryTransact(deps.db, [
      {
        Put: {
          TableName: deps.db.tableName,
          Item: { ...attributionKey(order.platform, order.store, order.orderId), entity: 'message-attribution', messageId: m.id, customerId: order.customerId, amountMinor: order.totalMinor, currency: order.currency, placedAt: order.placedAt, at },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      messages.transition(m.id, { from: [m.state], ...(plan ? { set: plan.set, firstOf: plan.firstOf } : {}), add: { orders: 1 }, revenue }),
      ...statsItems(ctx, m, { counters: { ...(plan?.counters ?? {}), orders: 1 }, revenue }),
      outbox(ctx, messageEvent(ctx, 'MessageConverted', converted, at, { orderId: order.orderId, amountMinor: order.totalMinor, currency: order.currency })),
    ]);
    if (r.ok) {
      countMetric('MessagesConverted');
      return { messageId: m.id };
    }
    if (r.failed.includes(0)) return undefined; // this order was attributed before
    await backoff(attempt);
  }
  throw new Error(`attributing order ${order.orderId}: too many concurrent changes; retry`);
}
