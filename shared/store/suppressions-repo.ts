import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { stripKeys, suppressionKey, suppressionListKeys, suppressionListPk } from './keys';
import type { TransactItem } from './transact';

/**
 * The suppression list: addresses no message goes to (hard bounces, complaints, SMS opt-outs,
 * manual entries), one item per channel and address, keyed by the keyed hash of the normalized
 * address (the identity hasher), so no address is in a key. The address itself is an attribute,
 * shown masked to callers without pii:read.
 */
export const SUPPRESSION_ENTITY = 'suppression';
export const SUPPRESSION_CHANNELS = ['email', 'sms'] as const;
export type SuppressionChannel = (typeof SUPPRESSION_CHANNELS)[number];
export const SUPPRESSION_REASONS = ['bounce', 'complaint', 'opt-out', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface Suppression {
  id: string;
  channel: SuppressionChannel;
  address: string;
  reason: SuppressionReason;
  note?: string;
  /** The message whose feedback put it here, if any. */
  messageId?: string;
  createdAt: string;
  createdBy: string;
}

export class SuppressionsRepo {
  constructor(private readonly db: Db) {}

  item(s: Suppression & { hash: string }): Record<string, unknown> {
    const { hash, ...rest } = s;
    return { ...suppressionKey(s.channel, hash), ...suppressionListKeys(s.channel, s.createdAt, hash), entity: SUPPRESSION_ENTITY, ...rest };
  }

  /** Adds an entry unless the address is suppressed already (the first reason stays); true when added. */
  async add(s: Suppression & { hash: string }): Promise<boolean> {
    try {
      await this.db.doc.send(new PutCommand({ TableName: this.db.tableName, Item: this.item(s), ConditionExpression: 'attribute_not_exists(PK)' }));
      return true;
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  /** The same add inside a transaction (feedback): written only if absent — use with a guard on the change that causes it. */
  addItem(s: Suppression & { hash: string }): TransactItem {
    return { Put: { TableName: this.db.tableName, Item: this.item(s) } };
  }

  async get(channel: SuppressionChannel, hash: string): Promise<Suppression | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: suppressionKey(channel, hash), ConsistentRead: true }));
    return res.Item ? stripKeys<Suppression>(res.Item) : undefined;
  }

  async getMany(keys: { channel: SuppressionChannel; hash: string }[]): Promise<Suppression[]> {
    if (keys.length === 0) return [];
    const res = await this.db.doc.send(new BatchGetCommand({ RequestItems: { [this.db.tableName]: { Keys: keys.map((k) => suppressionKey(k.channel, k.hash)), ConsistentRead: true } } }));
    return (res.Responses?.[this.db.tableName] ?? []).map((i) => stripKeys<Suppression>(i));
  }

  async remove(channel: SuppressionChannel, hash: string): Promise<Suppression | undefined> {
    const res = await this.db.doc.send(new DeleteCommand({ TableName: this.db.tableName, Key: suppressionKey(channel, hash), ReturnValues: 'ALL_OLD' }));
    return res.Attributes ? stripKeys<Suppression>(res.Attributes) : undefined;
  }

  /** One channel's entries, newest first. */
  async list(channel: SuppressionChannel, limit: number, cursor?: string): Promise<{ items: Suppression[]; cursor?: string }> {
    const pk = suppressionListPk(channel);
    const start = decodeCursor(cursor, { GSI1PK: pk }, ['PK', 'SK', 'GSI1PK', 'GSI1SK']);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => stripKeys<Suppression>(i)), ...(next ? { cursor: next } : {}) };
  }
}
