import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderLine } from '../domain/ingest';
import type { Db } from './client';
import { checkoutDueKeys, checkoutDuePk, checkoutKey, DUE_SHARDS, stripKeys } from './keys';
import { transactWrite, type TransactItem } from './transact';
import { ConflictError } from '../domain/errors';

export const CHECKOUT_ENTITY = 'checkout';

export interface Checkout {
  platform: string;
  store: string;
  checkoutId: string;
  customerId: string;
  currency: string;
  totalMinor: number;
  lines: OrderLine[];
  startedAt: string;
  updatedAt: string;
  status: 'open' | 'completed' | 'abandoned';
  /** When an open checkout without an order becomes an abandoned cart. */
  abandonAt?: string;
  orderId?: string;
}

/** Checkouts, and the index of open ones by the time they are due to be declared abandoned. */
export class CheckoutsRepo {
  constructor(private readonly db: Db) {}

  async get(platform: string, store: string, checkoutId: string): Promise<Checkout | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: checkoutKey(platform, store, checkoutId), ConsistentRead: true }));
    return res.Item ? stripKeys<Checkout>(res.Item) : undefined;
  }

  /** Put guarded by the state it was computed from (none, or the `updatedAt` read). */
  put(c: Checkout, previousUpdatedAt?: string): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: { ...checkoutKey(c.platform, c.store, c.checkoutId), entity: CHECKOUT_ENTITY, ...c, ...(c.status === 'open' && c.abandonAt ? checkoutDueKeys(c.platform, c.store, c.checkoutId, c.abandonAt) : {}) },
        ConditionExpression: previousUpdatedAt ? 'updatedAt = :prev AND #s = :status' : 'attribute_not_exists(PK)',
        ...(previousUpdatedAt ? { ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':prev': previousUpdatedAt, ':status': 'open' } } : {}),
      },
    };
  }

  /** Writes one checkout state; false when it changed meanwhile (the caller reads again). */
  async save(c: Checkout, previousUpdatedAt: string, extra: TransactItem[] = []): Promise<boolean> {
    try {
      await transactWrite(this.db, [this.put(c, previousUpdatedAt), ...extra], () => new ConflictError('checkout changed'));
      return true;
    } catch (e) {
      if (e instanceof ConflictError) return false;
      throw e;
    }
  }

  /** Open checkouts whose abandon time has passed, oldest first over all shards (a missed run is caught up by the next). */
  async due(now: string, limit: number): Promise<Checkout[]> {
    const pages = await Promise.all(
      Array.from({ length: DUE_SHARDS }, (_, shard) =>
        this.db.doc.send(
          new QueryCommand({
            TableName: this.db.tableName,
            IndexName: 'GSI2',
            KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK <= :now',
            ExpressionAttributeValues: { ':pk': checkoutDuePk(shard), ':now': now },
            Limit: limit,
          }),
        ),
      ),
    );
    return pages
      .flatMap((p) => (p.Items ?? []).map((i) => stripKeys<Checkout>(i)))
      .sort((a, b) => ((a.abandonAt ?? '') < (b.abandonAt ?? '') ? -1 : 1))
      .slice(0, limit);
  }
}
