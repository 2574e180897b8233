import { advance, MILESTONE_AT, type Recipient, type RecipientState } from '../../domain/campaigns/recipient';
import type { EventEnvelope } from '../../events/envelope';
import type { EventData } from '../../events/catalog';
import type { MessageQueue } from '../../runtime/message-queue';
import { countMetric } from '../../runtime/observability';
import { RecipientsRepo } from '../../store/recipients-repo';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';
import { campaigns } from './campaigns';
import { convertedCounter, ordersCounter, revenueCounter, revenueSquaresCounter } from './counters';
import { decideNow } from './decision';
import { MESSAGE_EVENTS } from './event-types';
import { resumeWork, startFanout, startWave } from './waves';

/**
 * The campaign-events consumer: the lifecycle's events start the work (the fan-out on
 * CampaignStarted, a wave's delivery job on CampaignWaveDue, everything stopped on
 * CampaignResumed), and the send pipeline's Message* events of campaign messages keep each
 * recipient's state current (only ever forward, each milestone's time kept) and count
 * conversions and revenue within the campaign's attribution window, exactly once per order: the
 * recipient remembers the orders it counted and moves, over the revision it was read at, in the
 * same transaction as the counters.
 */
const STATE_OF: Record<(typeof MESSAGE_EVENTS)[number], RecipientState> = {
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
const DAY_MS = 86_400_000;
const ATTEMPTS = 8;

type MessageData = EventData<'MessageSent'> & { reason?: string; orderId?: string; amountMinor?: number; currency?: string };

/** The campaign and customer of a campaign message: from its key `cmp:<campaign>:<customer>` (the customer sent to, before any merge). */
export function recipientOf(d: Pick<MessageData, 'key' | 'sourceKind' | 'sourceId' | 'customerId'>): { campaignId: string; customerId: string } | undefined {
  if (d.sourceKind !== 'campaign') return undefined;
  const m = /^cmp:([^:]+):(.+)$/.exec(d.key);
  return m ? { campaignId: m[1]!, customerId: m[2]! } : { campaignId: d.sourceId, customerId: d.customerId };
}

async function onMessage(ctx: Ctx, type: (typeof MESSAGE_EVENTS)[number], d: MessageData, occurredAt: string): Promise<void> {
  const who = recipientOf(d);
  if (!who) return;
  const recipients = repoOf(ctx.deps, RecipientsRepo);
  const repo = campaigns(ctx.deps);
  const incoming = STATE_OF[type];
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const r = (await recipients.get(who.campaignId, who.customerId)) as (Recipient & { rev?: number }) | undefined;
    if (!r) return; // a test send, or a recipient of a deleted campaign
    const next = advance(r.state, incoming);
    const at = MILESTONE_AT[incoming];
    const set: Record<string, unknown> = {};
    if (at && !r[at]) set[at] = occurredAt;
    if (!r.messageId) set.messageId = d.messageId;
    if (next && (incoming === 'skipped' || incoming === 'failed' || incoming === 'bounced') && d.reason) set.reason = d.reason;
    const items = [];
    if (type === 'MessageConverted' && d.orderId && d.currency && d.amountMinor !== undefined) {
      if (r.orderIds?.includes(d.orderId)) return;
      const c = await repo.get(who.campaignId);
      const sentAt = r.sentAt ?? occurredAt;
      if (!c || Date.parse(occurredAt) - Date.parse(sentAt) > c.attributionWindowDays * DAY_MS) return; // outside the campaign's window
      const old = r.revenueMinor?.[d.currency] ?? 0;
      const now = old + d.amountMinor;
      set.revenueMinor = { ...(r.revenueMinor ?? {}), [d.currency]: now };
      set.orderIds = [...(r.orderIds ?? []), d.orderId];
      const variant = r.variant ?? d.variant ?? '-';
      const channel = r.channel ?? d.channel;
      items.push(
        repo.addItem(who.campaignId, `V#${variant}#${who.customerId.slice(-2)}`, {
          [convertedCounter(variant, channel)]: r.convertedAt ? 0 : 1,
          [ordersCounter(variant, channel)]: 1,
          [revenueCounter(variant, channel, d.currency)]: d.amountMinor,
          [revenueSquaresCounter(variant, channel, d.currency)]: now * now - old * old,
        }),
      );
    }
    if (!next && Object.keys(set).length === 0) return;
    set.updatedAt = new Date(ctx.deps.clock.now().getTime()).toISOString();
    if (await repo.transact([recipients.reviseItem(r, next, set), ...items])) {
      if (items.length) countMetric('CampaignConversions');
      return;
    }
  }
  throw new Error(`recipient ${who.campaignId}/${who.customerId}: too many concurrent changes; retry`);
}

/** One event of the campaign-events consumer. */
export async function onCampaignEvent(ctx: Ctx, queue: MessageQueue, e: EventEnvelope): Promise<void> {
  switch (e.type) {
    case 'CampaignStarted':
      return startFanout(ctx, queue, (e.data as EventData<'CampaignStarted'>).campaignId);
    case 'CampaignWaveDue': {
      const d = e.data as EventData<'CampaignWaveDue'>;
      return startWave(ctx, queue, d.campaignId, d.wave, d.jobId, d.pass);
    }
    case 'CampaignResumed':
      return resumeWork(ctx, queue, (e.data as EventData<'CampaignResumed'>).campaignId, async (c, id) => {
        await decideNow(c, id);
      });
    default:
      if ((MESSAGE_EVENTS as readonly string[]).includes(e.type)) return onMessage(ctx, e.type as (typeof MESSAGE_EVENTS)[number], e.data as MessageData, e.occurredAt);
  }
}
