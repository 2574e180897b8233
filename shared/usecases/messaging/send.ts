import { ConflictError } from '../../domain/errors';
import type { Message } from '../../domain/messaging/messages';
import { ChannelError } from '../../runtime/channel-aws';
import { isIdempotentFor, messageSender, type OutboundMessage } from '../../runtime/messaging';
import { countMetric } from '../../runtime/observability';
import { messageQueue } from '../../runtime/sqs-message-queue';
import { MessagesRepo } from '../../store/messages-repo';
import { repoOf } from '../../store/repo-of';
import { setTimer } from '../timers/timers';
import type { Ctx } from '../customers';
import { messageEvent, outbox, sentTimelineItem, statsItems, tryTransact } from './records';
import type { DeliveryOutcome } from './types';

/**
 * The provider step of a recorded message, safe against a crash anywhere:
 *
 * 1. the message is `sending` (recorded with its rendered body, its cap slot taken);
 * 2. `attemptAt` is set with a condition — only one process starts the provider call;
 * 3. the provider call (the message id is its idempotency key where the channel has one);
 * 4. `sent`, its counter, the timeline entry and MessageSent in one transaction.
 *
 * A retry that finds `sending` without `attemptAt` sends (nothing went out). One that finds an
 * attempt younger than the lease answers "in progress" (409; the caller's queue retries later).
 * After the lease the attempt is taken over: through an idempotent channel (dev outbox, webhook)
 * the call is made again — the same id, so at most one message arrives; through SES or SMS, where
 * a crash after the call cannot be told from one before it, the message is marked failed
 * (`outcome-unknown`) rather than risk sending it twice.
 */
export const ATTEMPT_LEASE_MS = 2 * 60_000;
export const MESSAGE_TIMER_KIND = 'message-send';
export const OUTCOME_UNKNOWN = 'outcome-unknown: the provider call was interrupted; not repeated, to never send twice';

const repo = (ctx: Ctx) => repoOf(ctx.deps, MessagesRepo);

/** What a duplicate request is told about the message its key named. */
export function previousOf(m: Message): 'sent' | 'scheduled' | 'skipped' | 'failed' {
  if (m.state === 'scheduled' || m.state === 'skipped' || m.state === 'failed') return m.state;
  return 'sent';
}

/** The quiet-hours timer (a function that may schedule needs `sendsTo: ['timers']` in the wiring). */
export async function scheduleTimer(ctx: Ctx, m: Pick<Message, 'id' | 'scheduledFor'>): Promise<void> {
  const deps = ctx.deps.queue ? ctx.deps : { ...ctx.deps, queue: messageQueue(ctx.deps) };
  await setTimer(deps, { kind: MESSAGE_TIMER_KIND, key: m.id, dueAt: m.scheduledFor!, payload: { messageId: m.id } });
}

/** A request whose key names an existing message: finish what a crash left, or report it. */
export async function resume(ctx: Ctx, m: Message): Promise<DeliveryOutcome> {
  if (m.state === 'scheduled') {
    await scheduleTimer(ctx, m);
    return { status: 'duplicate', messageId: m.id, previous: 'scheduled' };
  }
  if (m.state !== 'sending') return { status: 'duplicate', messageId: m.id, previous: previousOf(m) };
  if (!m.attemptAt) return sendRecorded(ctx, m);
  const now = ctx.deps.clock.now().getTime();
  if (now - Date.parse(m.attemptAt) < ATTEMPT_LEASE_MS) {
    throw new ConflictError(`Message ${m.id} is being sent by another process; retry later.`, { rule: 'delivery-in-progress', messageId: m.id });
  }
  if (isIdempotentFor(messageSender(ctx.deps), channelOf(m))) return sendRecorded(ctx, m, m.attemptAt);
  return markFailed(ctx, m, OUTCOME_UNKNOWN, { attemptAt: m.attemptAt });
}

const channelOf = (m: Message) => (m.channel === 'webhook' ? 'webhook' : m.channel);

/** Steps 2–4 above; `takeOver` is the stale attempt being replaced. */
export async function sendRecorded(ctx: Ctx, m: Message, takeOver?: string): Promise<DeliveryOutcome> {
  const { deps } = ctx;
  const attemptAt = deps.clock.now().toISOString();
  const claimed = await repo(ctx).apply(repo(ctx).transition(m.id, { from: ['sending'], set: { attemptAt }, ...(takeOver ? { expect: { attemptAt: takeOver } } : { firstOf: ['attemptAt'] }) }));
  if (!claimed) {
    const now = await repo(ctx).get(m.id);
    if (!now) throw new Error(`message ${m.id} vanished`);
    if (now.state === 'sending') throw new ConflictError(`Message ${m.id} is being sent by another process; retry later.`, { rule: 'delivery-in-progress', messageId: m.id });
    return { status: 'duplicate', messageId: m.id, previous: previousOf(now) };
  }
  const body = (await repo(ctx).getBody(m.id)) ?? {};
  const outbound: OutboundMessage = {
    id: m.id,
    channel: channelOf(m),
    to: m.to!,
    ...(body.subject ? { subject: body.subject } : {}),
    body: body.text ?? body.body ?? '',
    purpose: m.purpose === 'marketing' ? 'marketing' : 'transactional',
    customerId: m.customerId,
    refs: { sourceKind: m.source.kind, sourceId: m.source.id, ...(m.source.variant ? { variant: m.source.variant } : {}) },
    ...(body.html ? { html: body.html } : {}),
    ...(body.headers ? { headers: body.headers } : {}),
    ...(body.from ? { from: body.from } : {}),
    ...(body.replyTo ? { replyTo: body.replyTo } : {}),
    ...(body.payload !== undefined ? { payload: body.payload } : {}),
  };
  let result;
  try {
    result = await messageSender(deps).send(outbound);
  } catch (err) {
    if (err instanceof ChannelError && err.outcome === 'rejected') return markFailed(ctx, m, `${err.code}: ${err.message}`, { attemptAt });
    const certainNotSent = err instanceof ChannelError && err.outcome === 'throttled';
    // Nothing went out (throttled), or the channel dedups a repeat: let the retry send at once.
    if (certainNotSent || isIdempotentFor(messageSender(deps), channelOf(m))) {
      await repo(ctx).apply(repo(ctx).transition(m.id, { from: ['sending'], remove: ['attemptAt'], expect: { attemptAt } }));
    }
    countMetric('MessageSendErrors');
    throw err;
  }
  const sentAt = result.sentAt;
  const sent: Message = { ...m, state: 'sent', sentAt, attemptAt, ...(result.provider ? { provider: result.provider } : {}), ...(result.providerMessageId ? { providerMessageId: result.providerMessageId } : {}) };
  const r = await tryTransact(deps.db, [
    repo(ctx).transition(m.id, {
      from: ['sending'],
      expect: { attemptAt },
      set: { state: 'sent', sentAt, ...(result.provider ? { provider: result.provider } : {}), ...(result.providerMessageId ? { providerMessageId: result.providerMessageId } : {}) },
    }),
    ...statsItems(ctx, m, { counters: { sent: 1 } }),
    sentTimelineItem(deps.db, sent, sentAt),
    outbox(ctx, messageEvent(ctx, 'MessageSent', sent, sentAt)),
  ]);
  if (!r.ok) {
    const now = await repo(ctx).get(m.id);
    return { status: 'duplicate', messageId: m.id, previous: now ? previousOf(now) : 'sent' };
  }
  countMetric('MessagesSent');
  return { status: 'sent', messageId: m.id, at: sentAt };
}

/** `sending` → `failed` with its counter and MessageFailed; only if the attempt is still the one given. */
export async function markFailed(ctx: Ctx, m: Message, reason: string, expect: { attemptAt?: string } = {}): Promise<DeliveryOutcome> {
  const at = ctx.deps.clock.now().toISOString();
  const failed: Message = { ...m, state: 'failed', reason, failedAt: at };
  const r = await tryTransact(ctx.deps.db, [
    repo(ctx).transition(m.id, { from: ['sending'], set: { state: 'failed', reason, failedAt: at }, ...(expect.attemptAt ? { expect: { attemptAt: expect.attemptAt } } : {}) }),
    ...statsItems(ctx, m, { counters: { failed: 1 } }),
    outbox(ctx, messageEvent(ctx, 'MessageFailed', failed, at, { reason: reason.slice(0, 500) })),
  ]);
  if (!r.ok) {
    const now = await repo(ctx).get(m.id);
    return { status: 'duplicate', messageId: m.id, previous: now ? previousOf(now) : 'failed' };
  }
  countMetric('MessagesFailed');
  return { status: 'failed', messageId: m.id, reason };
}
