import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import type { TimelineEntry } from '../domain/interaction';
import { EMPTY_AGGREGATES, type Aggregates, type StoredOrder } from '../domain/orders';
import type { EventEnvelope } from '../events/envelope';
import type { Db } from './client';
import { customerOrdersKeys, customerOrdersPk, customerPk, DELIVERY_SK, deliveryPk, orderKey, SK, stripKeys, timelineSk } from './keys';
import { outboxPut } from './outbox';
import { transactWrite, type TransactItem } from './transact';

export const ORDER_ENTITY = 'order';
export const AGGREGATES_ENTITY = 'aggregates';
export const DELIVERY_ENTITY = 'delivery';
const DELIVERY_TTL_SECONDS = 14 * 86_400;

export interface DeliveryRef {
  source: string;
  sourceId: string;
  deliveryId: string;
}

/** A write lost a race (another delivery for the same order or customer): read again and retry. */
export class WriteRaceError extends ConflictError {}
/** The delivery was already applied. */
export class DuplicateDeliveryError extends ConflictError {}

/** Orders and customer aggregates. Every order write is one transaction with its effects. */
export class OrdersRepo {
  constructor(private readonly db: Db) {}

  async get(platform: string, store: string, orderId: string): Promise<StoredOrder | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: orderKey(platform, store, orderId), ConsistentRead: true }));
    return res.Item ? stripKeys<StoredOrder>(res.Item) : undefined;
  }

  async aggregates(customerId: string): Promise<Aggregates> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: { PK: customerPk(customerId), SK: SK.aggregates }, ConsistentRead: true }));
    return res.Item ? stripKeys<Aggregates>(res.Item) : EMPTY_AGGREGATES;
  }

  async listByCustomer(customerId: string): Promise<StoredOrder[]> {
    const out: StoredOrder[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': customerOrdersPk(customerId) },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      out.push(...(res.Items ?? []).map((i) => stripKeys<StoredOrder>(i)));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  deliveryPut(d: DeliveryRef, now: string): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: { PK: deliveryPk(d.source, d.sourceId, d.deliveryId), SK: DELIVERY_SK, entity: DELIVERY_ENTITY, appliedAt: now, ttl: Math.floor(Date.parse(now) / 1000) + DELIVERY_TTL_SECONDS },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  async isDelivered(d: DeliveryRef): Promise<boolean> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: { PK: deliveryPk(d.source, d.sourceId, d.deliveryId), SK: DELIVERY_SK } }));
    return !!res.Item;
  }

  /**
   * Writes an order's new state, its customer's aggregates, the order's timeline entry, its event
   * and the delivery marker, all or nothing. The order and aggregates are guarded by the state
   * they were computed from, so a concurrent delivery makes this throw WriteRaceError (retry).
   */
  async saveOrder(args: {
    order: StoredOrder;
    previousUpdatedAt?: string;
    aggregates: Aggregates;
    previousAggregatesVersion: number;
    timeline: TimelineEntry;
    event?: EventEnvelope;
    delivery: DeliveryRef;
    now: string;
  }): Promise<void> {
    const { order: o } = args;
    const items: TransactItem[] = [
      this.deliveryPut(args.delivery, args.now),
      {
        Put: {
          TableName: this.db.tableName,
          Item: { ...orderKey(o.platform, o.store, o.orderId), entity: ORDER_ENTITY, ...o, ...customerOrdersKeys(o.customerId, o.placedAt, o.platform, o.store, o.orderId) },
          ConditionExpression: args.previousUpdatedAt ? 'updatedAt = :prev' : 'attribute_not_exists(PK)',
          ...(args.previousUpdatedAt ? { ExpressionAttributeValues: { ':prev': args.previousUpdatedAt } } : {}),
        },
      },
      this.aggregatesPut(o.customerId, args.aggregates, args.previousAggregatesVersion),
      {
        Put: {
          TableName: this.db.tableName,
          // The entry moved with its order in a merge: it keeps the same trail, so unmerge moves both back.
          Item: { PK: customerPk(o.customerId), SK: timelineSk(args.timeline.id), entity: 'timeline', ...args.timeline, ...(o.mergeTrail ? { mergeTrail: o.mergeTrail } : {}) },
        },
      },
    ];
    if (args.event) items.push(outboxPut(this.db.tableName, args.event));
    await transactWrite(this.db, items, (failed) =>
      failed.some((f) => f.index === 0) ? new DuplicateDeliveryError('This delivery was already applied.') : new WriteRaceError('The order or its customer changed meanwhile.'),
    );
  }

  aggregatesPut(customerId: string, agg: Aggregates, previousVersion: number): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: { PK: customerPk(customerId), SK: SK.aggregates, entity: AGGREGATES_ENTITY, ...agg },
        ConditionExpression: previousVersion === 0 ? 'attribute_not_exists(PK) OR version = :v' : 'version = :v',
        ExpressionAttributeValues: { ':v': previousVersion },
      },
    };
  }

  /**
   * Moves the orders of one customer to another (merge and unmerge): each order's `customerId`
   * and customer index change, and its `mergeTrail` records the merge, like moved timeline items.
   */
  async moveOrders(fromId: string, toId: string, select: (o: StoredOrder & { mergeTrail?: string[] }) => boolean, trail: (t: string[]) => string[]): Promise<number> {
    const orders = (await this.listByCustomer(fromId)) as (StoredOrder & { mergeTrail?: string[] })[];
    const chosen = orders.filter(select);
    for (let i = 0; i < chosen.length; i += 50) {
      const ops: TransactItem[] = chosen.slice(i, i + 50).map((o) => {
        const keys = customerOrdersKeys(toId, o.placedAt, o.platform, o.store, o.orderId);
        return {
          Update: {
            TableName: this.db.tableName,
            Key: orderKey(o.platform, o.store, o.orderId),
            UpdateExpression: 'SET customerId = :to, GSI1PK = :pk, mergeTrail = :trail',
            ConditionExpression: 'customerId = :from',
            ExpressionAttributeValues: { ':to': toId, ':from': fromId, ':pk': keys.GSI1PK, ':trail': trail(o.mergeTrail ?? []) },
          },
        };
      });
      await transactWrite(this.db, ops, () => new WriteRaceError('An order changed while being moved; retry.'));
    }
    return chosen.length;
  }

  /**
   * Marks a delivery applied, with the items that are its effect (and their event) in the same
   * transaction. False when it was applied before: later copies are duplicates.
   */
  async markDelivered(d: DeliveryRef, now: string, effects: TransactItem[] = []): Promise<boolean> {
    try {
      await transactWrite(this.db, [this.deliveryPut(d, now), ...effects], (failed) =>
        failed.some((f) => f.index === 0) ? new DuplicateDeliveryError('This delivery was already applied.') : new WriteRaceError('The record changed meanwhile.'),
      );
      return true;
    } catch (e) {
      if (e instanceof DuplicateDeliveryError) return false;
      throw e;
    }
  }
}
