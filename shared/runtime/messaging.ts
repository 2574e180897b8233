import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../store/client';
import { DEV_OUTBOX_PK, devMessageKey, devOutboxListKeys } from '../store/keys';

/**
 * The message channel port: how the CRM writes to a customer (a survey link, a care message; the
 * campaigns issue sends its campaigns through it too). One call per message; `id` is the
 * idempotency key, so a handler retried after a crash sends the same message once.
 *
 * Providers (SES, an SMS gateway, WeChat templates) plug in as adapters of this interface. Until
 * one is configured — always locally and in tests — messages land in the dev outbox: an item per
 * message in the table (kept 7 days), read back with `DevOutbox.list()` (tests, e2e, the bench)
 * instead of being delivered.
 */
export const MESSAGE_CHANNELS = ['email', 'sms', 'wechat', 'app'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

export interface OutboundMessage {
  /** Idempotency key: the same id again is the same message. */
  id: string;
  channel: MessageChannel;
  /** Address on that channel: e-mail address, E.164 phone, WeChat open id. */
  to: string;
  subject?: string;
  body: string;
  /** What it is for: `survey`, `care`, `campaign`, … (reporting, suppression lists). */
  purpose: string;
  customerId?: string;
  /** Free-form references (survey id, ticket id, rule id). */
  refs?: Record<string, string>;
}

export interface SentMessage extends OutboundMessage {
  sentAt: string;
}

export interface MessageSender {
  /** Sends (or records) the message; `duplicate` when this id was sent before. */
  send(message: OutboundMessage): Promise<{ status: 'sent' | 'duplicate'; sentAt: string }>;
}

const DEV_OUTBOX_TTL_SECONDS = 7 * 86_400;
const DEV_MESSAGE_ENTITY = 'dev-message';

/** The dev outbox in the table: messages captured instead of delivered, listed newest first. */
export class DevOutbox implements MessageSender {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(m: OutboundMessage): Promise<{ status: 'sent' | 'duplicate'; sentAt: string }> {
    const sentAt = this.now().toISOString();
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...devMessageKey(m.id), ...devOutboxListKeys(sentAt, m.id), entity: DEV_MESSAGE_ENTITY, ...m, sentAt, ttl: Math.floor(Date.parse(sentAt) / 1000) + DEV_OUTBOX_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { status: 'sent', sentAt };
    } catch (e) {
      if ((e as { name?: string }).name !== 'ConditionalCheckFailedException') throw e;
      const prior = await this.get(m.id);
      return { status: 'duplicate', sentAt: prior?.sentAt ?? sentAt };
    }
  }

  async get(id: string): Promise<SentMessage | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: devMessageKey(id), ConsistentRead: true }));
    return res.Item ? toMessage(res.Item) : undefined;
  }

  /** The newest messages first (all of them, page by page, up to `max`). */
  async list(max = 100): Promise<SentMessage[]> {
    const out: SentMessage[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': DEV_OUTBOX_PK },
          ScanIndexForward: false,
          Limit: Math.min(1000, max - out.length),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      out.push(...(res.Items ?? []).map(toMessage));
      start = res.LastEvaluatedKey;
    } while (start && out.length < max);
    return out;
  }
}

function toMessage(item: Record<string, unknown>): SentMessage {
  const { PK: _pk, SK: _sk, GSI1PK: _g, GSI1SK: _s, entity: _e, ttl: _t, ...rest } = item;
  return rest as unknown as SentMessage;
}

/** An in-memory sender (unit tests): what was sent, in order. */
export class MemoryOutbox implements MessageSender {
  readonly sent: SentMessage[] = [];
  async send(m: OutboundMessage): Promise<{ status: 'sent' | 'duplicate'; sentAt: string }> {
    const prior = this.sent.find((s) => s.id === m.id);
    if (prior) return { status: 'duplicate', sentAt: prior.sentAt };
    const sentAt = new Date().toISOString();
    this.sent.push({ ...m, sentAt });
    return { status: 'sent', sentAt };
  }
}

/** The sender of these deps: the one installed, else the dev outbox in the table. */
export function messageSender(deps: { messages?: MessageSender; db: Db; clock: { now(): Date } }): MessageSender {
  return deps.messages ?? new DevOutbox(deps.db, () => deps.clock.now());
}
