import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../domain/errors';
import { EMPTY_AGGREGATES, type Aggregates, type StoredOrder } from '../domain/orders';
import type { Db } from './client';
import { customerIdFromPk, customerPk, DELIVERY_SK, deliveryPk, orderItemKey, orderRefKey, SK, stripKeys } from './keys';
import { transactWrite, type TransactItem } from './transact';

export const ORDER_ENTITY = 'order';
export const ORDER_REF_ENTITY = 'order-ref';
export const AGGREGATES_ENTITY = 'aggregates';
export const DELIVERY_ENTITY = 'delivery';
const DELIVERY_TTL_SECONDS = 14 * 86_400;

export interface DeliveryRef {
  source: string;
  sourceId: string;
  deliveryId: string;
}

/** Where an order lives: its customer's partition, at its timeline entry id. */
export interface OrderRef {
  customerId: string;
  entryId: string;
}

/** A write lost a race (another delivery for the same order or customer): read again and retry. */
export class WriteRaceError extends ConflictError {}

/** Aggregates as stored: with the stream position of the last order change they include. */
export interface StoredAggregates {
  aggregates: Aggregates;
  /** Zero-padded stream sequence number of the last order record applied (see projections/aggregates). */
  streamSeq?: string;
  exists: boolean;
}

const isConditionFailure = (e: unknown) => e instanceof ConditionalCheckFailedException || (e as { name?: string }).name === 'ConditionalCheckFailedException';

/** Reads an order item, its customer taken from the partition it is in (merges move orders). */
export function orderFromItem(item: Record<string, unknown>): StoredOrder {
  const o = stripKeys<StoredOrder & { lastWriteAt?: string; correlationId?: string; movedAt?: string }>(item);
  const { lastWriteAt: _w, correlationId: _c, movedAt: _m, ...order } = o;
  return { ...order, customerId: customerIdFromPk(item.PK as string) ?? order.customerId };
}

/**
 * Orders, their pointers and the customer aggregates. An order write is one conditional Put of
 * the order item (guarded by the state it was computed from); the aggregates and the order events
 * follow from the table stream (usecases/projections/aggregates.ts), so an order costs no transaction.
 */
export class OrdersRepo {
  constructor(private readonly db: Db) {}

  async ref(platform: string, store: string, orderId: string): Promise<OrderRef | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: orderRefKey(platform, store, orderId), ConsistentRead: true }));
    return res.Item ? { customerId: res.Item.customerId as string, entryId: res.Item.entryId as string } : undefined;
  }

  async getAt(ref: OrderRef): Promise<StoredOrder | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: orderItemKey(ref.customerId, ref.entryId), ConsistentRead: true }));
    return res.Item ? orderFromItem(res.Item) : undefined;
  }

  /** The order with this platform id, wherever it lives now. */
  async get(platform: string, store: string, orderId: string): Promise<StoredOrder | undefined> {
    const ref = await this.ref(platform, store, orderId);
    return ref ? this.getAt(ref) : undefined;
  }

  /**
   * Takes the pointer of a new order for `ref`; returns the pointer that holds (another delivery
   * of the same order may have taken it first).
   */
  async claim(platform: string, store: string, orderId: string, ref: OrderRef, now: string): Promise<OrderRef> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...orderRefKey(platform, store, orderId), entity: ORDER_REF_ENTITY, ...ref, createdAt: now },
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return ref;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const old = (e as { Item?: Record<string, { S?: string }> }).Item;
      if (old?.customerId?.S && old.entryId?.S) return { customerId: old.customerId.S, entryId: old.entryId.S };
      return (await this.ref(platform, store, orderId)) ?? ref;
    }
  }

  /** Points an order at the partition it was moved to (merge, unmerge). */
  async repoint(o: Pick<StoredOrder, 'platform' | 'store' | 'orderId'>, ref: OrderRef): Promise<void> {
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: orderRefKey(o.platform, o.store, o.orderId),
        UpdateExpression: 'SET customerId = :c, entryId = :e',
        ExpressionAttributeValues: { ':c': ref.customerId, ':e': ref.entryId },
      }),
    );
  }

  /**
   * Writes an order's new state at `ref`, guarded by the state it was computed from (nothing, or
   * the `updatedAt` read): a concurrent write makes this throw WriteRaceError (read again, retry).
   */
  async put(order: StoredOrder, ref: OrderRef, previousUpdatedAt: string | undefined, meta: { now: string; correlationId: string }): Promise<void> {
    const { customerId: _c, ...rest } = order;
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...orderItemKey(ref.customerId, ref.entryId), entity: ORDER_ENTITY, ...rest, lastWriteAt: meta.now, correlationId: meta.correlationId },
          ConditionExpression: previousUpdatedAt ? 'updatedAt = :prev' : 'attribute_not_exists(PK)',
          ...(previousUpdatedAt ? { ExpressionAttributeValues: { ':prev': previousUpdatedAt } } : {}),
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw new WriteRaceError('The order changed meanwhile.');
      throw e;
    }
  }

  async aggregates(customerId: string): Promise<Aggregates> {
    return (await this.storedAggregates(customerId)).aggregates;
  }

  async storedAggregates(customerId: string): Promise<StoredAggregates> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: { PK: customerPk(customerId), SK: SK.aggregates }, ConsistentRead: true }));
    if (!res.Item) return { aggregates: EMPTY_AGGREGATES, exists: false };
    const { streamSeq, ...agg } = stripKeys<Aggregates & { streamSeq?: string }>(res.Item);
    return { aggregates: agg, ...(streamSeq ? { streamSeq } : {}), exists: true };
  }

  /** Writes aggregates computed from the version read; false when they changed meanwhile. */
  async putAggregates(customerId: string, agg: Aggregates, previousVersion: number, streamSeq?: string): Promise<boolean> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { PK: customerPk(customerId), SK: SK.aggregates, entity: AGGREGATES_ENTITY, ...agg, ...(streamSeq ? { streamSeq } : {}) },
          ConditionExpression: previousVersion === 0 ? 'attribute_not_exists(PK) OR version = :v' : 'version = :v',
          ExpressionAttributeValues: { ':v': previousVersion },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** The customer's orders, read from their partition (strongly consistent). */
  async listByCustomer(customerId: string): Promise<(StoredOrder & { entryId: string; mergeTrail?: string[] })[]> {
    const out: (StoredOrder & { entryId: string })[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          FilterExpression: 'entity = :order',
          ExpressionAttributeValues: { ':pk': customerPk(customerId), ':from': SK.timelinePrefix, ':to': SK.timelineEnd, ':order': ORDER_ENTITY },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      out.push(...(res.Items ?? []).map((i) => ({ ...orderFromItem(i), entryId: (i.SK as string).slice(SK.timelinePrefix.length) })));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** The pointers of these orders (for repointing after a merge moved them). */
  async refs(orders: Pick<StoredOrder, 'platform' | 'store' | 'orderId'>[]): Promise<Map<string, OrderRef>> {
    const out = new Map<string, OrderRef>();
    for (let i = 0; i < orders.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = orders.slice(i, i + 100).map((o) => orderRefKey(o.platform, o.store, o.orderId));
      while (keys && keys.length > 0) {
        const res = await this.db.doc.send(new BatchGetCommand({ RequestItems: { [this.db.tableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const it of res.Responses?.[this.db.tableName] ?? []) out.set(it.PK as string, { customerId: it.customerId as string, entryId: it.entryId as string });
        keys = res.UnprocessedKeys?.[this.db.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
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
   * Marks a delivery applied, with the items that are its effect (and their event) in the same
   * transaction; alone, it is one conditional Put. False when it was applied before.
   */
  async markDelivered(d: DeliveryRef, now: string, effects: TransactItem[] = []): Promise<boolean> {
    const marker = this.deliveryPut(d, now);
    if (effects.length === 0) {
      try {
        await this.db.doc.send(new PutCommand(marker.Put!));
        return true;
      } catch (e) {
        if (isConditionFailure(e)) return false;
        throw e;
      }
    }
    try {
      await transactWrite(this.db, [marker, ...effects], (failed) =>
        failed.some((f) => f.index === 0) ? new DuplicateDeliveryError('This delivery was already applied.') : new WriteRaceError('The record changed meanwhile.'),
      );
      return true;
    } catch (e) {
      if (e instanceof DuplicateDeliveryError) return false;
      throw e;
    }
  }
}

/** The delivery was already applied. */
export class DuplicateDeliveryError extends ConflictError {}
