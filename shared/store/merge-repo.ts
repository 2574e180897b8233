import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer, MergePlan } from '../domain/customer';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { EventEnvelope } from '../events/envelope';
import type { Db } from './client';
import { identityClaims, identityItem, profileItem } from './customer-items';
import type { IdentityHasher } from './identity-hash';
import { customerPk, isMovableSk, mergeListKeys, mergeListPk, mergePk, SK, stripKeys } from './keys';
import { outboxPut } from './outbox';
import { PartitionRepo } from './partition-repo';
import { transactWrite, type TransactItem } from './transact';

export const MERGE_ENTITY = 'merge';
const MOVE_CHUNK = 40;

export interface MergeRecord {
  id: string;
  targetId: string;
  sourceId: string;
  status: 'moving' | 'done' | 'undoing' | 'undone';
  plan: Omit<MergePlan, 'merged'>;
  sourceSnapshot: Customer;
  targetVersion: number;
  actorId: string;
  createdAt: string;
  undoneAt?: string;
}

/**
 * Merge and unmerge. A merge locks both profiles, moves the source's partition items in chunks
 * (each item remembers the merges it went through in `mergeTrail`), then in one transaction
 * re-points identities, writes the merged target, retires the source and emits CustomerMerged.
 * Every phase is idempotent: a crashed merge is resumed by asking for it again.
 */
export class MergeRepo {
  private readonly partition: PartitionRepo;
  constructor(
    private readonly db: Db,
    private readonly hash: IdentityHasher,
  ) {
    this.partition = new PartitionRepo(db);
  }

  async get(mergeId: string): Promise<MergeRecord | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: { PK: mergePk(mergeId), SK: SK.merge }, ConsistentRead: true }));
    return res.Item ? stripKeys<MergeRecord>(res.Item) : undefined;
  }

  async listForTarget(targetId: string, limit: number): Promise<MergeRecord[]> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': mergeListPk(targetId) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (res.Items ?? []).map((i) => stripKeys<MergeRecord>(i));
  }

  private lock(c: Customer, mergeId: string, status: Customer['status']): TransactItem {
    return {
      Update: {
        TableName: this.db.tableName,
        Key: { PK: customerPk(c.id), SK: SK.profile },
        UpdateExpression: 'SET mergeLock = :m',
        ConditionExpression: '#v = :v AND #s = :s AND attribute_not_exists(mergeLock)',
        ExpressionAttributeNames: { '#v': 'version', '#s': 'status' },
        ExpressionAttributeValues: { ':m': mergeId, ':v': c.version, ':s': status },
      },
    };
  }

  /** Phase 1: the merge record and both locks, or a 409 when either profile moved on. */
  async begin(record: MergeRecord, target: Customer, source: Customer): Promise<void> {
    await transactWrite(
      this.db,
      [
        {
          Put: {
            TableName: this.db.tableName,
            Item: { PK: mergePk(record.id), SK: SK.merge, entity: MERGE_ENTITY, ...record, ...mergeListKeys(record.targetId, record.createdAt) },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        this.lock(target, record.id, 'active'),
        this.lock(source, record.id, 'active'),
      ],
      () => new ConflictError('One of the customers changed or is being merged; read both again and retry.'),
    );
  }

  /** Moves the partition items whose trail ends (or not) with `mergeId` from one customer to another. */
  private async moveItems(fromId: string, toId: string, select: (item: Record<string, unknown>) => boolean, trail: (t: string[]) => string[]): Promise<number> {
    const items = (await this.partition.partitionItems(fromId)).filter((i) => isMovableSk(i.SK as string) && select(i));
    // `movedAt` tells the stream projection that an order arriving this way is not a new order.
    const movedAt = new Date().toISOString();
    for (let i = 0; i < items.length; i += MOVE_CHUNK) {
      const chunk = items.slice(i, i + MOVE_CHUNK);
      const ops: TransactItem[] = chunk.flatMap((item) => [
        { Put: { TableName: this.db.tableName, Item: { ...item, PK: customerPk(toId), mergeTrail: trail((item.mergeTrail as string[]) ?? []), movedAt } } },
        { Delete: { TableName: this.db.tableName, Key: { PK: item.PK, SK: item.SK } } },
      ]);
      await transactWrite(this.db, ops, () => new ConflictError('Items changed while being moved; retry.'));
    }
    return items.length;
  }

  async moveForMerge(record: MergeRecord): Promise<number> {
    return this.moveItems(record.sourceId, record.targetId, () => true, (t) => [...t, record.id]);
  }

  /** Phase 3 of a merge: identities, merged target, retired source, record done, event. */
  async complete(record: MergeRecord, merged: Customer, source: Customer, event: EventEnvelope): Promise<void> {
    const claims = identityClaims(source, this.hash);
    const retired: Customer = { ...source, status: 'merged', mergedInto: record.targetId, updatedAt: merged.updatedAt, version: source.version + 1 };
    await transactWrite(
      this.db,
      [
        ...claims.map(
          (cl): TransactItem => ({
            Update: {
              TableName: this.db.tableName,
              Key: cl.key,
              UpdateExpression: 'SET customerId = :t',
              ConditionExpression: 'customerId = :s',
              ExpressionAttributeValues: { ':t': record.targetId, ':s': record.sourceId },
            },
          }),
        ),
        this.putLocked(merged, record.id),
        this.putLocked(retired, record.id),
        this.setStatus(record.id, 'moving', 'done'),
        outboxPut(this.db.tableName, event),
      ],
      () => new ConflictError('The merge could not complete: an identity or profile changed meanwhile; retry the merge to resume it.'),
    );
  }

  private putLocked(c: Customer, mergeId: string): TransactItem {
    const item = profileItem(c);
    delete (item as { mergeLock?: string }).mergeLock;
    return {
      Put: {
        TableName: this.db.tableName,
        Item: item,
        ConditionExpression: 'mergeLock = :m',
        ExpressionAttributeValues: { ':m': mergeId },
      },
    };
  }

  private setStatus(mergeId: string, from: MergeRecord['status'], to: MergeRecord['status'], extra: Record<string, string> = {}): TransactItem {
    const sets = Object.keys(extra).map((k, i) => `#x${i} = :x${i}`);
    return {
      Update: {
        TableName: this.db.tableName,
        Key: { PK: mergePk(mergeId), SK: SK.merge },
        UpdateExpression: `SET #st = :to${sets.length ? ', ' + sets.join(', ') : ''}`,
        ConditionExpression: '#st = :from',
        ExpressionAttributeNames: { '#st': 'status', ...Object.fromEntries(Object.keys(extra).map((k, i) => [`#x${i}`, k])) },
        ExpressionAttributeValues: { ':to': to, ':from': from, ...Object.fromEntries(Object.values(extra).map((v, i) => [`:x${i}`, v])) },
      },
    };
  }

  /** Phase 1 of an unmerge: record to `undoing`, target locked, source still retired into it. */
  async beginUndo(record: MergeRecord, target: Customer): Promise<void> {
    await transactWrite(
      this.db,
      [
        this.setStatus(record.id, 'done', 'undoing'),
        this.lock(target, record.id, 'active'),
        {
          ConditionCheck: {
            TableName: this.db.tableName,
            Key: { PK: customerPk(record.sourceId), SK: SK.profile },
            ConditionExpression: '#s = :merged AND mergedInto = :t',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':merged': 'merged', ':t': record.targetId },
          },
        },
      ],
      () => new ConflictError('The merge cannot be undone now: it is not complete, already undone, or the target changed; read it again and retry.'),
    );
  }

  async moveForUndo(record: MergeRecord): Promise<number> {
    return this.moveItems(record.targetId, record.sourceId, (i) => ((i.mergeTrail as string[]) ?? []).at(-1) === record.id, (t) => t.slice(0, -1));
  }

  /** Phase 3 of an unmerge: the source is live again with its identities, the target reverted. */
  async completeUndo(record: MergeRecord, target: Customer, restoredSource: Customer, event: EventEnvelope, now: string): Promise<void> {
    const claims = identityClaims(restoredSource, this.hash);
    const found = claims.length
      ? ((await this.db.doc.send(new BatchGetCommand({ RequestItems: { [this.db.tableName]: { Keys: claims.map((c) => c.key), ConsistentRead: true } } }))).Responses?.[this.db.tableName] ?? [])
      : [];
    const owners = new Map(found.map((i) => [i.PK as string, i.customerId as string]));
    const ops: TransactItem[] = [];
    for (const cl of claims) {
      const owner = owners.get(cl.key.PK);
      if (owner === undefined) {
        ops.push({ Put: { TableName: this.db.tableName, Item: identityItem(cl, restoredSource.id, now), ConditionExpression: 'attribute_not_exists(PK)' } });
      } else if (owner === record.targetId) {
        ops.push({
          Update: {
            TableName: this.db.tableName,
            Key: cl.key,
            UpdateExpression: 'SET customerId = :s',
            ConditionExpression: 'customerId = :t',
            ExpressionAttributeValues: { ':s': restoredSource.id, ':t': record.targetId },
          },
        });
      } else if (owner !== restoredSource.id) {
        throw new ConflictError(`The source's ${cl.identity.kind} now belongs to customer ${owner}; change it there first.`, { existingCustomerId: owner });
      }
    }
    const sourceItem = profileItem(restoredSource);
    ops.push(
      this.putLocked(target, record.id),
      {
        Put: {
          TableName: this.db.tableName,
          Item: sourceItem,
          ConditionExpression: '#s = :merged',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':merged': 'merged' },
        },
      },
      this.setStatus(record.id, 'undoing', 'undone', { undoneAt: now }),
      outboxPut(this.db.tableName, event),
    );
    await transactWrite(this.db, ops, () => new ConflictError('The unmerge could not complete: something changed meanwhile; retry it to resume.'));
  }

  async requireRecord(mergeId: string): Promise<MergeRecord> {
    const r = await this.get(mergeId);
    if (!r) throw new NotFoundError('Merge', mergeId);
    return r;
  }
}
