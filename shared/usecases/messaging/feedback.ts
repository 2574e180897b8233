import { createHash } from 'node:crypto';
import { NotFoundError } from '../../domain/errors';
import { planFeedback, type FeedbackKind, type Message } from '../../domain/messaging/messages';
import type { EventType } from '../../events/catalog';
import { countMetric } from '../../runtime/observability';
import { feedbackSeenKey } from '../../store/keys';
import { MessagesRepo } from '../../store/messages-repo';
import { repoOf } from '../../store/repo-of';
import { SuppressionsRepo } from '../../store/suppressions-repo';
import type { TransactItem } from '../../store/transact';
import type { Ctx } from '../customers';
import { setConsent } from './consent';
import { consentChannelOf, settingsOf, suppressionHash } from './decide';
import { backoff, messageEvent, outbox, sentTimelineItem, statsItems, tryTransact } from './records';
import { OUTCOME_UNKNOWN } from './send';

/**
 * Delivery feedback, from every source through one use case: SES and SMS events in AWS (the
 * feedback worker), the open pixel and click redirects, the unsubscribe link, and the simulated
 * endpoint locally. Each first occurrence (delivery, open, click, bounce, complaint, unsubscribe)
 * changes the message once — a conditional update on its state and on that time being absent —
 * with its counters and event in the same transaction; every open and click also adds to the
 * totals, exactly once per provider event when it has an id. A hard bounce or a complaint puts the
 * address on the suppression list; a complaint also revokes that channel's marketing consent.
 */
export interface FeedbackInput {
  messageId: string;
  kind: Exclude<FeedbackKind, 'converted'>;
  at?: string;
  /** The provider's id of this event (SNS message id, ...): a redelivery is applied once. */
  eventId?: string;
  /** Bounces: permanent (hard) or transient (soft: counted on the message, nothing else). */
  bounce?: { hard: boolean; reason?: string };
  /** Clicks: the link followed. */
  url?: string;
}

export type FeedbackResult = { applied: boolean; message: Message };

const EVENT_OF: Record<FeedbackKind, Extract<EventType, `Message${string}`>> = {
  delivered: 'MessageDelivered',
  opened: 'MessageOpened',
  clicked: 'MessageClicked',
  bounced: 'MessageBounced',
  complained: 'MessageComplained',
  unsubscribed: 'MessageUnsubscribed',
  converted: 'MessageConverted',
};

const FEEDBACK_SEEN_TTL_SECONDS = 14 * 86_400;

export async function recordFeedback(ctx: Ctx, input: FeedbackInput): Promise<FeedbackResult> {
  const { deps } = ctx;
  const messages = repoOf(deps, MessagesRepo);
  for (let attempt = 0; attempt < 20; attempt++) {
    const m = await messages.get(input.messageId);
    if (!m) throw new NotFoundError('Message', input.messageId);
    const at = input.at ?? deps.clock.now().toISOString();
    const hard = input.kind === 'complained' || (input.kind === 'bounced' && input.bounce?.hard !== false);
    if (input.kind === 'bounced' && !hard) {
      const r = await tryTransact(deps.db, [...seen(ctx, input, at), messages.transition(m.id, { from: [m.state], add: { softBounces: 1 } })]);
      return { applied: r.ok, message: m };
    }
    if (m.state === 'failed' && m.reason === OUTCOME_UNKNOWN) {
      // The provider reports on it, so it did go out: record it sent, then apply the feedback.
      await recordSentAfterAll(ctx, m, at);
      continue;
    }
    const plan = planFeedback(m, input.kind, at);
    if (!plan) return { applied: false, message: m };
    // The suppression first (idempotent): a crash after it and before the change is redone by the redelivery.
    if (hard && m.to && m.channel !== 'webhook' && (input.kind === 'bounced' || input.kind === 'complained')) {
      await repoOf(deps, SuppressionsRepo).add({
        id: `${m.channel}:${suppressionHash(ctx, m.channel, m.to)}`,
        hash: suppressionHash(ctx, m.channel, m.to),
        channel: m.channel,
        address: m.to,
        reason: input.kind === 'bounced' ? 'bounce' : 'complaint',
        ...(input.bounce?.reason ? { note: input.bounce.reason.slice(0, 200) } : {}),
        messageId: m.id,
        createdAt: at,
        createdBy: 'system:feedback',
      });
    }
    if (input.kind === 'complained' && m.purpose === 'marketing') await setConsent(ctx, m.customerId, consentChannelOf(m.channel, await settingsOf(ctx)), false, 'complaint');
    const add: Record<string, number> = {};
    if (plan.counters.opens) add.opens = 1;
    if (plan.counters.clicks) add.clicks = 1;
    const next: Message = { ...m, ...plan.set, opens: m.opens + (add.opens ?? 0), clicks: m.clicks + (add.clicks ?? 0) };
    const items: TransactItem[] = [
      ...seen(ctx, input, at),
      messages.transition(m.id, { from: [m.state], set: plan.set, firstOf: plan.firstOf, ...(Object.keys(add).length ? { add } : {}) }),
      ...statsItems(ctx, m, { counters: plan.counters }),
      ...plan.events.map((k) => outbox(ctx, messageEvent(ctx, EVENT_OF[k], next, at, k === 'bounced' && input.bounce?.reason ? { reason: input.bounce.reason.slice(0, 200) } : {}))),
    ];
    const r = await tryTransact(deps.db, items);
    if (r.ok) {
      countMetric(`Messages${EVENT_OF[input.kind].slice('Message'.length)}`);
      return { applied: true, message: next };
    }
    if (input.eventId && r.failed.includes(0)) return { applied: false, message: m }; // this event was applied before
    await backoff(attempt); // the message changed meanwhile: plan again from its new state
  }
  throw new Error(`feedback on message ${input.messageId}: too many concurrent changes; retry`);
}

/** A message marked `outcome-unknown` that the provider reports on was sent: failed → sent, counters moved, MessageSent. */
async function recordSentAfterAll(ctx: Ctx, m: Message, at: string): Promise<void> {
  const sentAt = m.attemptAt ?? at;
  const sent: Message = { ...m, state: 'sent', sentAt };
  await tryTransact(ctx.deps.db, [
    repoOf(ctx.deps, MessagesRepo).transition(m.id, { from: ['failed'], expect: { reason: OUTCOME_UNKNOWN }, set: { state: 'sent', sentAt }, remove: ['reason', 'failedAt'] }),
    ...statsItems(ctx, m, { counters: { failed: -1, sent: 1 } }),
    sentTimelineItem(ctx.deps.db, sent, sentAt),
    outbox(ctx, messageEvent(ctx, 'MessageSent', sent, sentAt)),
  ]);
}

function seen(ctx: Ctx, input: FeedbackInput, at: string): TransactItem[] {
  if (!input.eventId) return [];
  const hash = createHash('sha256').update(`${input.messageId}\u0000${input.eventId}`).digest('base64url');
  return [
    {
      Put: {
        TableName: ctx.deps.db.tableName,
        Item: { ...feedbackSeenKey(hash), entity: 'message-feedback-seen', messageId: input.messageId, kind: input.kind, at, ttl: Math.floor(Date.parse(at) / 1000) + FEEDBACK_SEEN_TTL_SECONDS },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  ];
}
