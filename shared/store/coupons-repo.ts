import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CouponPool } from '../domain/campaigns/coupons';
import { ConflictError } from '../domain/errors';
import { batchGet } from './campaign-batch-get';
import type { Db } from './client';
import { COUPON_COUNTER_PREFIX, COUPON_POOLS_PK, COUPON_SHARDS, couponAvailableKeys, couponAvailablePk, couponCodeKey, couponCounterKey, couponPoolKey, couponPoolListKeys, couponPoolPk, shardOf, stripKeys } from './keys';
import { transactWrite, type TransactItem } from './transact';

export const COUPON_POOL_ENTITY = 'coupon-pool';
export const COUPON_CODE_ENTITY = 'coupon-code';
export const COUPON_COUNTER_ENTITY = 'coupon-counter';

export interface PoolCounts {
  uploaded: number;
  assigned: number;
  available: number;
}

export type ClaimOutcome = { kind: 'claimed'; code: string } | { kind: 'held'; code: string } | { kind: 'exhausted' };

/** Transactions per upload chunk: 99 codes and the counter. */
const CHUNK = 99;
const cancelled = (e: unknown) => (e as { name?: string }).name === 'TransactionCanceledException';

/**
 * Coupon pools and their codes. Each code is its own item (unique in its pool by its key), listed
 * while unassigned on a sharded index; the counters (uploaded, assigned) are spread over
 * COUPON_SHARDS items of the pool's partition and move in the same transaction as the codes, so
 * the pool's counts are exact and one Query reads them.
 */
export class CouponsRepo {
  constructor(private readonly db: Db) {}

  async createPool(p: CouponPool): Promise<void> {
    await transactWrite(this.db, [{ Put: { TableName: this.db.tableName, Item: { ...couponPoolKey(p.id), ...couponPoolListKeys(p.id), entity: COUPON_POOL_ENTITY, ...p }, ConditionExpression: 'attribute_not_exists(PK)' } }], () => new ConflictError(`Coupon pool ${p.id} exists already.`));
  }

  async getPool(id: string): Promise<CouponPool | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: couponPoolKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<CouponPool>(res.Item) : undefined;
  }

  /** Pools, newest first; the cursor is the last id. */
  async listPools(limit: number, after?: string): Promise<{ items: CouponPool[]; cursor?: string }> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: after ? 'GSI1PK = :pk AND GSI1SK < :after' : 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': COUPON_POOLS_PK, ...(after ? { ':after': after } : {}) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const items = (res.Items ?? []).map((i) => stripKeys<CouponPool>(i));
    return { items, ...(res.LastEvaluatedKey && items.length ? { cursor: items[items.length - 1]!.id } : {}) };
  }

  /** The pool's counts: one Query of its counter items. */
  async counts(id: string): Promise<PoolCounts> {
    const res = await this.db.doc.send(
      new QueryCommand({ TableName: this.db.tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :c)', ExpressionAttributeValues: { ':pk': couponPoolPk(id), ':c': COUPON_COUNTER_PREFIX }, ConsistentRead: true }),
    );
    let uploaded = 0;
    let assigned = 0;
    for (const i of res.Items ?? []) {
      uploaded += (i.uploaded as number | undefined) ?? 0;
      assigned += (i.assigned as number | undefined) ?? 0;
    }
    return { uploaded, assigned, available: uploaded - assigned };
  }

  private codePut(poolId: string, code: string, at: string): TransactItem {
    return { Put: { TableName: this.db.tableName, Item: { ...couponCodeKey(poolId, code), ...couponAvailableKeys(poolId, code), entity: COUPON_CODE_ENTITY, poolId, code, addedAt: at }, ConditionExpression: 'attribute_not_exists(PK)' } };
  }

  private counterAdd(poolId: string, shard: number, field: 'uploaded' | 'assigned', n: number): TransactItem {
    return {
      Update: {
        TableName: this.db.tableName,
        Key: couponCounterKey(poolId, shard),
        UpdateExpression: 'SET #e = :e ADD #f :n',
        ExpressionAttributeNames: { '#e': 'entity', '#f': field },
        ExpressionAttributeValues: { ':e': COUPON_COUNTER_ENTITY, ':n': n },
      },
    };
  }

  /**
   * Adds codes to a pool: each chunk of 99 codes and its counter in one transaction, so the count
   * is exact; codes the pool has already are left out (counted as duplicates).
   */
  async addCodes(poolId: string, codes: readonly string[], at: string): Promise<{ added: number; duplicates: number }> {
    let added = 0;
    let duplicates = 0;
    const chunks: string[][] = [];
    for (let i = 0; i < codes.length; i += CHUNK) chunks.push(codes.slice(i, i + CHUNK));
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(4, chunks.length) }, async () => {
        while (next < chunks.length) {
          const index = next++;
          let chunk = chunks[index]!;
          for (let attempt = 0; chunk.length > 0; attempt++) {
            try {
              await transactWrite(this.db, [...chunk.map((c) => this.codePut(poolId, c, at)), this.counterAdd(poolId, index % COUPON_SHARDS, 'uploaded', chunk.length)], () => new ConflictError('duplicate code'));
              added += chunk.length;
              break;
            } catch (e) {
              if (!(e instanceof ConflictError) || attempt > 3) throw e;
              const existing = new Set((await batchGet(this.db, chunk.map((c) => couponCodeKey(poolId, c)), { consistent: true })).map((i) => i.code as string));
              duplicates += chunk.filter((c) => existing.has(c)).length;
              chunk = chunk.filter((c) => !existing.has(c));
            }
          }
        }
      }),
    );
    return { added, duplicates };
  }

  /** Unassigned codes of one shard (the index may lag: a code there can be taken already). */
  private async available(poolId: string, shard: number, limit: number): Promise<string[]> {
    const res = await this.db.doc.send(
      new QueryCommand({ TableName: this.db.tableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': couponAvailablePk(poolId, shard) }, Limit: limit }),
    );
    return (res.Items ?? []).map((i) => i.code as string);
  }

  /**
   * Claims one code for `holder` (e.g. `cmp:<campaign>:<customer>`) in one transaction with
   * `guard(code)` — the holder's own conditional write of the code (a recipient takes a code only
   * once) — and the assigned counter. A code taken meanwhile is skipped for another; when the
   * guard fails the holder had a code already: `held`, read back by `heldCode`. Exhausted when
   * every shard is empty.
   */
  async claim(poolId: string, holder: string, guard: (code: string) => TransactItem, heldCode: () => Promise<string | undefined>, at: string, random: () => number = Math.random): Promise<ClaimOutcome> {
    const first = shardOf(holder, COUPON_SHARDS);
    const empty = new Set<number>();
    let shard = first;
    for (let attempt = 0; attempt < COUPON_SHARDS * 4 && empty.size < COUPON_SHARDS; attempt++) {
      if (empty.has(shard)) {
        shard = (shard + 1) % COUPON_SHARDS;
        continue;
      }
      const codes = await this.available(poolId, shard, 10);
      if (codes.length === 0) {
        empty.add(shard);
        shard = (shard + 1) % COUPON_SHARDS;
        continue;
      }
      const code = codes[Math.floor(random() * codes.length)]!;
      const take: TransactItem = {
        Update: {
          TableName: this.db.tableName,
          Key: couponCodeKey(poolId, code),
          UpdateExpression: 'SET holder = :h, assignedAt = :at REMOVE GSI1PK, GSI1SK',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(holder)',
          ExpressionAttributeValues: { ':h': holder, ':at': at },
        },
      };
      try {
        // Not transactWrite: the cancellation reasons tell a taken code from a holder that has one.
        await this.db.doc.send(new TransactWriteCommand({ TransactItems: [take, guard(code), this.counterAdd(poolId, shardOf(code, COUPON_SHARDS), 'assigned', 1)] }));
        return { kind: 'claimed', code };
      } catch (e) {
        if (!cancelled(e)) throw e;
        const reasons = ((e as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code);
        if (reasons[1] === 'ConditionalCheckFailed') {
          const held = await heldCode();
          if (held) return { kind: 'held', code: held };
          throw new Error(`the holder ${holder} refused a coupon code but holds none`);
        }
        // The code was taken meanwhile, or another transaction touched the counter: try again.
      }
    }
    return { kind: 'exhausted' };
  }

  /**
   * Puts a claimed code back (its holder was not sent to), in one transaction with `guard` (the
   * holder letting go of it) and the counter; false when it was put back already.
   */
  async release(poolId: string, code: string, holder: string, guard: TransactItem): Promise<boolean> {
    const put: TransactItem = {
      Update: {
        TableName: this.db.tableName,
        Key: couponCodeKey(poolId, code),
        UpdateExpression: 'SET GSI1PK = :pk, GSI1SK = :sk REMOVE holder, assignedAt',
        ConditionExpression: 'holder = :h',
        ExpressionAttributeValues: { ':h': holder, ':pk': couponAvailableKeys(poolId, code).GSI1PK, ':sk': code },
      },
    };
    try {
      await transactWrite(this.db, [put, guard, this.counterAdd(poolId, shardOf(code, COUPON_SHARDS), 'assigned', -1)], () => new ConflictError('released already'));
      return true;
    } catch (e) {
      if (e instanceof ConflictError) return false;
      throw e;
    }
  }

  /** Who holds each of these codes (consistent). */
  async holders(poolId: string, codes: readonly string[]): Promise<Map<string, string | undefined>> {
    const items = await batchGet(this.db, codes.map((c) => couponCodeKey(poolId, c)), { consistent: true });
    return new Map(items.map((i) => [i.code as string, i.holder as string | undefined]));
  }
}
