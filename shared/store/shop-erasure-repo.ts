import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../domain/customer';
import type { ShopRedactSubject } from '../domain/privacy-shop';
import type { Db } from './client';
import { queryAll } from './query-all';
import { customerListPk, LIST_SHARDS, recycleBinPk, SHOP_ERASURE_SUBJECT_PREFIX, shopErasurePk, shopErasureSubjectKey, shopErasureWalkKey, stripKeys } from './keys';

export const SHOP_ERASURE_WALK_ENTITY = 'shop-erasure-walk';
export const SHOP_ERASURE_SUBJECT_ENTITY = 'shop-erasure-subject';

/**
 * The lanes a shop erasure walks, in order: the live customers' list shards (GSI2 `CUSTS#<n>`),
 * then the recycle bin's (GSI2 `BIN#<n>`). Every profile that can hold personal data is in one of
 * them (a merged-away profile's platform ids went to the profile it was merged into). Live lanes
 * come first, so a customer deleted while the walk runs is met in the bin if not already met.
 */
export const SHOP_ERASURE_LANES = 2 * LIST_SHARDS;
const lanePk = (lane: number) => (lane < LIST_SHARDS ? customerListPk(lane) : recycleBinPk(lane - LIST_SHARDS));

/** Where a shop erasure's walk stands; each step's commit is guarded by `step` (a retried or duplicated step counts once). */
export interface ShopErasureWalk {
  step: number;
  lane: number;
  /** The index's LastEvaluatedKey in `lane`; absent at the lane's start. */
  lastKey?: Record<string, unknown>;
  /** Profiles read so far. */
  visited: number;
  done: boolean;
  updatedAt: string;
}

/** What the walk reads of a profile to judge it (no personal field is decrypted: only whether an external id exists). */
export type ProfileLinks = Pick<Customer, 'id' | 'platformIds' | 'externalId' | 'status' | 'erasedAt'>;

const conditionFailed = (e: unknown) => (e as { name?: string }).name === 'ConditionalCheckFailedException';

export class ShopErasureRepo {
  constructor(private readonly db: Db) {}

  async walk(requestId: string): Promise<ShopErasureWalk | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: shopErasureWalkKey(requestId), ConsistentRead: true }));
    return res.Item ? stripKeys<ShopErasureWalk>(res.Item) : undefined;
  }

  /** The walk at its start, once (a second start finds the first). */
  async startWalk(requestId: string, now: string): Promise<ShopErasureWalk> {
    const walk: ShopErasureWalk = { step: 0, lane: 0, visited: 0, done: false, updatedAt: now };
    try {
      await this.db.doc.send(new PutCommand({ TableName: this.db.tableName, Item: { ...shopErasureWalkKey(requestId), entity: SHOP_ERASURE_WALK_ENTITY, ...walk }, ConditionExpression: 'attribute_not_exists(PK)' }));
      return walk;
    } catch (e) {
      if (!conditionFailed(e)) throw e;
      return (await this.walk(requestId))!;
    }
  }

  /** Commits one step: the new position and the profiles it read. False when another run committed this step first. */
  async commitWalk(requestId: string, fromStep: number, next: { lane: number; lastKey?: Record<string, unknown>; done: boolean }, visited: number, now: string): Promise<boolean> {
    const values: Record<string, unknown> = { ':from': fromStep, ':next': fromStep + 1, ':lane': next.lane, ':done': next.done, ':now': now, ':v': visited };
    const sets = ['#step = :next', '#lane = :lane', '#done = :done', 'updatedAt = :now', '#visited = #visited + :v'];
    if (next.lastKey) {
      sets.push('#lk = :lk');
      values[':lk'] = next.lastKey;
    }
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: shopErasureWalkKey(requestId),
          UpdateExpression: `SET ${sets.join(', ')}${next.lastKey ? '' : ' REMOVE #lk'}`,
          ConditionExpression: '#step = :from',
          ExpressionAttributeNames: { '#step': 'step', '#lane': 'lane', '#done': 'done', '#visited': 'visited', '#lk': 'lastKey' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (e) {
      if (conditionFailed(e)) return false;
      throw e;
    }
  }

  /** One page of a lane: the profiles' links only (an eventually consistent index read; the job reads each candidate again before acting). */
  async profilesPage(lane: number, lastKey: Record<string, unknown> | undefined, limit: number): Promise<{ items: ProfileLinks[]; lastKey?: Record<string, unknown> }> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': lanePk(lane) },
        ProjectionExpression: '#id, #p, #x, #s, #e',
        ExpressionAttributeNames: { '#id': 'id', '#p': 'platformIds', '#x': 'externalId', '#s': 'status', '#e': 'erasedAt' },
        Limit: limit,
        ...(lastKey ? { ExclusiveStartKey: lastKey } : {}),
      }),
    );
    const items = (res.Items ?? []).map((i) => ({ ...(i as ProfileLinks), platformIds: (i.platformIds as ProfileLinks['platformIds'] | undefined) ?? [] }));
    return { items, ...(res.LastEvaluatedKey ? { lastKey: res.LastEvaluatedKey } : {}) };
  }

  /** Records what the request does to a customer, before it does it; false when it was recorded already (a retry). */
  async recordSubject(requestId: string, s: ShopRedactSubject): Promise<boolean> {
    try {
      await this.db.doc.send(
        new PutCommand({ TableName: this.db.tableName, Item: { ...shopErasureSubjectKey(requestId, s.customerId), entity: SHOP_ERASURE_SUBJECT_ENTITY, ...s }, ConditionExpression: 'attribute_not_exists(PK)' }),
      );
      return true;
    } catch (e) {
      if (conditionFailed(e)) return false;
      throw e;
    }
  }

  /** The number of a detached customer's store records made contact-free (set, not added: a retry counts the same records). */
  async noteRecords(requestId: string, customerId: string, records: number): Promise<void> {
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: shopErasureSubjectKey(requestId, customerId),
        UpdateExpression: 'SET #r = :n',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#r': 'records' },
        ExpressionAttributeValues: { ':n': records },
      }),
    );
  }

  /** Every customer the request erased or detached. */
  async subjects(requestId: string): Promise<ShopRedactSubject[]> {
    const items = await queryAll(this.db, {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': shopErasurePk(requestId), ':p': SHOP_ERASURE_SUBJECT_PREFIX },
      ConsistentRead: true,
    });
    return items.map((i) => stripKeys<ShopRedactSubject>(i));
  }
}
