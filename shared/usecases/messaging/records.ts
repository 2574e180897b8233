import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Message } from '../../domain/messaging/messages';
import type { EventType } from '../../events/catalog';
import { makeEvent, type EventEnvelope } from '../../events/envelope';
import { stableId } from '../../runtime/ports';
import type { Db } from '../../store/client';
import { customerPk, timelineSk } from '../../store/keys';
import { MessageStatsRepo, type CounterDelta } from '../../store/message-stats-repo';
import { outboxPut } from '../../store/outbox';
import { repoOf } from '../../store/repo-of';
import type { TransactItem } from '../../store/transact';
import type { Ctx } from '../customers';

/**
 * Pieces of every message change: its event (ids only), its counters, the timeline entry of a
 * sent message, and a transaction runner that tells which condition failed.
 */
type MessageEventType = Extract<EventType, `Message${string}`>;

export function messageEvent(ctx: Ctx, type: MessageEventType, m: Message, at: string, extra: Record<string, unknown> = {}): EventEnvelope {
  const data = {
    messageId: m.id,
    customerId: m.customerId,
    key: m.key,
    channel: m.channel,
    purpose: m.purpose,
    sourceKind: m.source.kind,
    sourceId: m.source.id,
    ...(m.source.variant ? { variant: m.source.variant } : {}),
    ...(m.source.step ? { step: m.source.step } : {}),
    ...extra,
  };
  return makeEvent(type, data as never, { id: ctx.deps.ids.next(), occurredAt: at, correlationId: ctx.correlationId, subject: m.customerId });
}

export function statsItems(ctx: Ctx, m: Message, delta: CounterDelta): TransactItem[] {
  return repoOf(ctx.deps, MessageStatsRepo).updates(m.source, m.channel, m.id, delta);
}

export const outbox = (ctx: Ctx, e: EventEnvelope): TransactItem => outboxPut(ctx.deps.db.tableName, e);

const CHANNEL_NAMES: Record<Message['channel'], string> = { email: 'E-mail', sms: 'SMS', webhook: 'Message' };

/** "Message sent" on the customer's timeline (overwritten, not duplicated, by a retry). */
export function sentTimelineItem(db: Db, m: Message, at: string): TransactItem {
  const entryId = stableId(Date.parse(at), `message:${m.id}:sent`);
  const what = m.subject ? `: ${m.subject.length > 80 ? `${m.subject.slice(0, 79)}…` : m.subject}` : '';
  return {
    Put: {
      TableName: db.tableName,
      Item: {
        PK: customerPk(m.customerId),
        SK: timelineSk(entryId),
        entity: 'timeline',
        id: entryId,
        kind: 'message',
        occurredAt: at,
        summary: `${CHANNEL_NAMES[m.channel]} sent${what}`,
        data: { messageId: m.id, channel: m.channel, purpose: m.purpose, sourceKind: m.source.kind, sourceId: m.source.id, templateId: m.templateId, ...(m.source.variant ? { variant: m.source.variant } : {}) },
      },
    },
  };
}

export type TxResult = { ok: true } | { ok: false; failed: number[] };

/**
 * One transaction; when a condition fails, which items' (their indexes). A transaction that lost
 * to a concurrent one on the same items (a stats shard, a send ledger) is retried with backoff.
 */
export async function tryTransact(db: Db, items: TransactItem[], maxConflicts = 12): Promise<TxResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return { ok: true };
    } catch (err) {
      if (!(err instanceof TransactionCanceledException) && (err as { name?: string }).name !== 'TransactionCanceledException') throw err;
      const reasons = (err as TransactionCanceledException).CancellationReasons ?? [];
      const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
      if (failed.length) return { ok: false, failed };
      if (attempt >= maxConflicts) throw err;
      await backoff(attempt);
    }
  }
}

export const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(200, 5 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random())));
