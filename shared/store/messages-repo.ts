import { createHash } from 'node:crypto';
import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Message, StoredState } from '../domain/messaging/messages';
import type { Db } from './client';
import { customerMessageKeys, customerMessagesPk, messageBodyKey, messageClaimKey, messageKey, sendLedgerKey, stripKeys } from './keys';
import type { TransactItem } from './transact';

/**
 * Messages (docs/messaging.md): the message item, its rendered body (kept a week), the claim of
 * its delivery key, and the per-customer send ledger the frequency caps are checked against. The
 * use cases compose these items into one transaction with the stats, the timeline entry and the
 * event of each change.
 */
export const MESSAGE_ENTITY = 'message';
const BODY_TTL_SECONDS = 7 * 86_400;

export interface MessageBody {
  subject?: string;
  html?: string;
  text?: string;
  body?: string;
  payload?: unknown;
  headers?: Record<string, string>;
  from?: string;
  replyTo?: string;
}

export interface SendLedger {
  sends: number[];
  version: number;
}

export const deliveryKeyHash = (key: string) => createHash('sha256').update(key, 'utf8').digest('base64url');

const messageFromItem = (item: Record<string, unknown>): Message => stripKeys<Message>(item);

export class MessagesRepo {
  constructor(private readonly db: Db) {}

  /** The message a delivery key names, if it was recorded. */
  async idForKey(key: string): Promise<string | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: messageClaimKey(deliveryKeyHash(key)), ConsistentRead: true }));
    return res.Item?.messageId as string | undefined;
  }

  async get(id: string): Promise<Message | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: messageKey(id), ConsistentRead: true }));
    return res.Item ? messageFromItem(res.Item) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<Message[]> {
    const out: Message[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      let keys = ids.slice(i, i + 100).map((id) => messageKey(id));
      while (keys.length) {
        const res = await this.db.doc.send(new BatchGetCommand({ RequestItems: { [this.db.tableName]: { Keys: keys } } }));
        out.push(...(res.Responses?.[this.db.tableName] ?? []).map(messageFromItem));
        keys = (res.UnprocessedKeys?.[this.db.tableName]?.Keys ?? []) as typeof keys;
      }
    }
    return out;
  }

  async getBody(id: string): Promise<MessageBody | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: messageBodyKey(id), ConsistentRead: true }));
    if (!res.Item) return undefined;
    const { PK: _p, SK: _s, entity: _e, ttl: _t, ...body } = res.Item;
    return body as MessageBody;
  }

  async ledger(customerId: string): Promise<SendLedger> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: sendLedgerKey(customerId), ConsistentRead: true }));
    return res.Item ? { sends: (res.Item.sends as number[]) ?? [], version: res.Item.version as number } : { sends: [], version: 0 };
  }

  /** A customer's messages created in [from, to] (ISO), newest first. */
  async byCustomer(customerId: string, opts: { from?: string; to?: string; limit?: number; after?: string } = {}): Promise<{ items: Message[]; last?: string }> {
    const from = opts.from ?? '0';
    const to = opts.after ?? `${opts.to ?? '9999'}#~`;
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': customerMessagesPk(customerId), ':from': from, ':to': to },
        ScanIndexForward: false,
        Limit: opts.limit ?? 100,
      }),
    );
    const items = (res.Items ?? []).map(messageFromItem).filter((m) => !opts.after || `${m.createdAt}#${m.id}` < opts.after);
    return { items, ...(res.LastEvaluatedKey ? { last: res.LastEvaluatedKey.GSI1SK as string } : {}) };
  }

  /** One conditional change on its own (no transaction: half the write cost); false when its condition failed. */
  async apply(item: TransactItem): Promise<boolean> {
    const u = item.Update!;
    try {
      await this.db.doc.send(new UpdateCommand({ TableName: u.TableName, Key: u.Key, UpdateExpression: u.UpdateExpression, ConditionExpression: u.ConditionExpression, ExpressionAttributeNames: u.ExpressionAttributeNames, ExpressionAttributeValues: u.ExpressionAttributeValues }));
      return true;
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  // ---- transaction items

  /** The claim of a new message's delivery key and the message itself (both only if new). */
  create(m: Message): TransactItem[] {
    const { tableName } = this.db;
    return [
      { Put: { TableName: tableName, Item: { ...messageClaimKey(deliveryKeyHash(m.key)), entity: 'message-claim', messageId: m.id, key: m.key }, ConditionExpression: 'attribute_not_exists(PK)' } },
      { Put: { TableName: tableName, Item: { ...messageKey(m.id), ...customerMessageKeys(m.customerId, m.createdAt, m.id), entity: MESSAGE_ENTITY, ...m }, ConditionExpression: 'attribute_not_exists(PK)' } },
    ];
  }

  body(id: string, body: MessageBody, nowMs: number): TransactItem {
    return { Put: { TableName: this.db.tableName, Item: { ...messageBodyKey(id), entity: 'message-body', ...body, ttl: Math.floor(nowMs / 1000) + BODY_TTL_SECONDS } } };
  }

  /** The ledger written only if nobody changed it since it was read at `expectedVersion`. */
  ledgerPut(customerId: string, sends: number[], expectedVersion: number): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: { ...sendLedgerKey(customerId), entity: 'send-ledger', customerId, sends, version: expectedVersion + 1 },
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(PK)' : 'version = :v',
        ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
      },
    };
  }

  /**
   * A change of a message, only from one of `from` states and only while the `firstOf` times are
   * absent (the guard that makes every transition, and what it counts, happen once). `add` adds to
   * number attributes (opens, clicks, orders) and to revenue per currency.
   */
  transition(
    id: string,
    change: {
      from: readonly StoredState[];
      set?: Partial<Message>;
      remove?: (keyof Message)[];
      firstOf?: (keyof Message)[];
      /** Attributes that must still have these values (e.g. the attempt this process started). */
      expect?: Partial<Record<keyof Message, string | number>>;
      add?: Record<string, number>;
      revenue?: { currency: string; amountMinor: number };
    },
  ): TransactItem {
    const names: Record<string, string> = { '#state': 'state' };
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    Object.entries(change.set ?? {}).forEach(([k, v], i) => {
      names[`#s${i}`] = k;
      values[`:s${i}`] = v;
      sets.push(`#s${i} = :s${i}`);
    });
    Object.entries(change.add ?? {}).forEach(([k, v], i) => {
      names[`#n${i}`] = k;
      values[`:n${i}`] = v;
      sets.push(`#n${i} = if_not_exists(#n${i}, :zero) + :n${i}`);
    });
    if (change.revenue) {
      names['#rev'] = 'revenueMinor';
      names['#cur'] = change.revenue.currency;
      values[':rev'] = change.revenue.amountMinor;
      sets.push('#rev.#cur = if_not_exists(#rev.#cur, :zero) + :rev');
    }
    if (change.add || change.revenue) values[':zero'] = 0;
    const removes = (change.remove ?? []).map((k, i) => {
      names[`#r${i}`] = k;
      return `#r${i}`;
    });
    const from = change.from.map((s, i) => {
      values[`:f${i}`] = s;
      return `:f${i}`;
    });
    const guards = [
      `#state IN (${from.join(', ')})`,
      ...(change.firstOf ?? []).map((k, i) => {
        names[`#g${i}`] = k;
        return `attribute_not_exists(#g${i})`;
      }),
      ...Object.entries(change.expect ?? {}).map(([k, v], i) => {
        names[`#e${i}`] = k;
        values[`:e${i}`] = v;
        return `#e${i} = :e${i}`;
      }),
    ];
    return {
      Update: {
        TableName: this.db.tableName,
        Key: messageKey(id),
        UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' '),
        ConditionExpression: guards.join(' AND '),
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      },
    };
  }
}
