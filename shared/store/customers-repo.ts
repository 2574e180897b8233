import { BatchGetCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../domain/customer';
import { ConflictError, NotFoundError } from '../domain/errors';
import { platformIdentity, type Identity, type IdentityKind } from '../domain/identity';
import type { EventEnvelope } from '../events/envelope';
import type { Db } from './client';
import { customerFromItem, diffClaims, identityClaims, identityItem, profileItem, type IdentityClaim } from './customer-items';
import type { IdentityHasher } from './identity-hash';
import { customerListPk, customerPk, identityPk, LIST_SHARDS, namePartition, recycleBinPk, recycleBinUntil, SK } from './keys';
import { outboxPut } from './outbox';
import { transactWrite, type FailedCondition, type TransactItem } from './transact';
import { noteChange } from '../runtime/audit-context';

export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** Customer profiles: uniqueness of identities is enforced by the conditional transaction itself. */
export class CustomersRepo {
  constructor(
    private readonly db: Db,
    private readonly hash: IdentityHasher,
  ) {}

  private identityConflict(claims: IdentityClaim[], offset: number) {
    return (failed: FailedCondition[]): Error => {
      const hit = failed.find((f) => f.index >= offset && f.index < offset + claims.length);
      if (hit) {
        const claim = claims[hit.index - offset]!;
        const field = claim.identity.kind === 'platform' ? 'platformIds' : claim.identity.kind === 'external' ? 'externalId' : claim.identity.kind;
        return new ConflictError(`A customer with this ${field} already exists.`, { field, existingCustomerId: hit.item?.customerId });
      }
      return new ConflictError('The customer was changed by someone else; read it again and retry.', { reason: 'version' });
    };
  }

  async create(c: Customer, event: EventEnvelope): Promise<void> {
    noteChange('customer', c.id, undefined, c);
    const claims = identityClaims(c, this.hash);
    const items: TransactItem[] = [
      { Put: { TableName: this.db.tableName, Item: profileItem(c), ConditionExpression: 'attribute_not_exists(PK)' } },
      ...claims.map((cl) => ({ Put: { TableName: this.db.tableName, Item: identityItem(cl, c.id, c.createdAt), ConditionExpression: 'attribute_not_exists(PK)' } })),
      outboxPut(this.db.tableName, event),
    ];
    await transactWrite(this.db, items, this.identityConflict(claims, 1));
  }

  /**
   * Creates a profile without a transaction (the ingest worker's path, where a flash sale creates
   * thousands): identity claims first, strongest first, then the profile. A claim is taken when it
   * is free or already this profile's, so a retry after a crash finishes the job. When the
   * strongest identity belongs to someone else, nothing is written (`takenBy`); a weaker identity
   * that does is left off the profile (`dropped`, a duplicate candidate). The profile carries
   * `createdVia: 'ingest'`: its first write becomes CustomerCreated on the stream.
   */
  async createClaimFirst(c: Customer, correlationId: string): Promise<{ takenBy: string } | { created: boolean; customer: Customer; dropped: { identity: Identity; owner: string }[] }> {
    const claims = identityClaims(c, this.hash).sort((a, b) => STRENGTH.indexOf(a.identity.kind) - STRENGTH.indexOf(b.identity.kind));
    const dropped: { identity: Identity; owner: string }[] = [];
    for (const [i, cl] of claims.entries()) {
      try {
        await this.db.doc.send(
          new PutCommand({
            TableName: this.db.tableName,
            Item: identityItem(cl, c.id, c.createdAt),
            ConditionExpression: 'attribute_not_exists(PK) OR customerId = :id',
            ExpressionAttributeValues: { ':id': c.id },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
      } catch (e) {
        if ((e as { name?: string }).name !== 'ConditionalCheckFailedException') throw e;
        const owner = (e as { Item?: Record<string, { S?: string }> }).Item?.customerId?.S ?? (await this.findIdByIdentity(cl.identity)) ?? '';
        if (i === 0) return { takenBy: owner };
        dropped.push({ identity: cl.identity, owner });
      }
    }
    const customer = withoutIdentities(c, dropped.map((d) => d.identity));
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...profileItem(customer), createdVia: 'ingest', correlationId },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { created: true, customer, dropped };
    } catch (e) {
      if ((e as { name?: string }).name !== 'ConditionalCheckFailedException') throw e;
      return { created: false, customer, dropped };
    }
  }

  async get(id: string, opts: { consistent?: boolean } = {}): Promise<Customer | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: { PK: customerPk(id), SK: SK.profile }, ConsistentRead: opts.consistent ?? true }));
    return res.Item ? customerFromItem(res.Item) : undefined;
  }

  /** Is a merge holding this profile (its partition items may be on the move)? */
  async isLocked(id: string): Promise<boolean> {
    const res = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: { PK: customerPk(id), SK: SK.profile }, ConsistentRead: true, ProjectionExpression: 'mergeLock' }),
    );
    return !!res.Item?.mergeLock;
  }

  async require(id: string): Promise<Customer> {
    const c = await this.get(id);
    if (!c) throw new NotFoundError('Customer', id);
    return c;
  }

  async getMany(ids: string[]): Promise<Customer[]> {
    const out: Customer[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map((id) => ({ PK: customerPk(id), SK: SK.profile }));
      while (keys && keys.length > 0) {
        const res = await this.db.doc.send(new BatchGetCommand({ RequestItems: { [this.db.tableName]: { Keys: keys } } }));
        out.push(...(res.Responses?.[this.db.tableName] ?? []).map(customerFromItem));
        keys = res.UnprocessedKeys?.[this.db.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    const order = new Map(ids.map((id, i) => [id, i]));
    return out.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  }

  /**
   * Writes a new state of a live profile read at `expectedVersion`: identity claims that changed
   * are released and taken in the same transaction. Status changes (delete, restore) go through here.
   * `extraEvents` are written in the same transaction (e.g. CustomerTagsChanged with the update).
   */
  async replace(before: Customer, after: Customer, event: EventEnvelope, expectedStatus: Customer['status'] = 'active', extraEvents: readonly EventEnvelope[] = []): Promise<void> {
    noteChange('customer', after.id, before, after);
    const liveBefore = before.status === 'active' ? identityClaims(before, this.hash) : [];
    const liveAfter = after.status === 'active' ? identityClaims(after, this.hash) : [];
    const { added, removed } = diffClaims(liveBefore, liveAfter);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.db.tableName,
          Item: profileItem(after),
          ConditionExpression: '#v = :v AND #s = :s AND attribute_not_exists(mergeLock)',
          ExpressionAttributeNames: { '#v': 'version', '#s': 'status' },
          ExpressionAttributeValues: { ':v': before.version, ':s': expectedStatus },
        },
      },
      ...added.map((cl) => ({ Put: { TableName: this.db.tableName, Item: identityItem(cl, after.id, after.updatedAt), ConditionExpression: 'attribute_not_exists(PK)' } })),
      ...removed.map((cl) => ({
        Delete: { TableName: this.db.tableName, Key: cl.key, ConditionExpression: 'customerId = :id', ExpressionAttributeValues: { ':id': after.id } },
      })),
      outboxPut(this.db.tableName, event),
      ...extraEvents.map((e) => outboxPut(this.db.tableName, e)),
    ];
    await transactWrite(this.db, items, this.identityConflict(added, 1));
  }

  /** The customer an identity belongs to (email, phone, external id, platform id). */
  async findIdByIdentity(identity: Identity): Promise<string | undefined> {
    const res = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tableName, Key: { PK: identityPk(identity.kind, this.hash(identity)), SK: SK.identity } }),
    );
    return res.Item?.customerId as string | undefined;
  }

  /** Live customers, newest first; the cursor is the last id returned (the shards are merged by id). */
  async list(limit: number, afterId?: string): Promise<Page<Customer>> {
    return this.mergeShards(limit, afterId, (shard) => customerListPk(shard), (c) => c.id);
  }

  /** The recycle bin, most recently deleted first. */
  async listRecycleBin(limit: number, after?: string): Promise<Page<Customer>> {
    return this.mergeShards(limit, after, (shard) => recycleBinPk(shard), (c) => `${c.deletedAt}#${c.id}`);
  }

  private async mergeShards(limit: number, after: string | undefined, pk: (shard: number) => string, sortKey: (c: Customer) => string): Promise<Page<Customer>> {
    const shards = await Promise.all(
      Array.from({ length: LIST_SHARDS }, (_, shard) =>
        this.db.doc.send(
          new QueryCommand({
            TableName: this.db.tableName,
            IndexName: 'GSI2',
            KeyConditionExpression: after ? 'GSI2PK = :pk AND GSI2SK < :after' : 'GSI2PK = :pk',
            ExpressionAttributeValues: { ':pk': pk(shard), ...(after ? { ':after': after } : {}) },
            ScanIndexForward: false,
            Limit: limit,
          }),
        ),
      ),
    );
    const all = shards.flatMap((r) => (r.Items ?? []).map(customerFromItem)).sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : -1));
    const items = all.slice(0, limit);
    const more = all.length > limit || shards.some((r) => r.LastEvaluatedKey);
    return { items, ...(more && items.length > 0 ? { cursor: sortKey(items[items.length - 1]!) } : {}) };
  }

  /** Profiles deleted before `cutoff` (ISO time), due to be purged. */
  async dueForPurge(cutoff: string, limit: number): Promise<Customer[]> {
    const pages = await Promise.all(
      Array.from({ length: LIST_SHARDS }, (_, shard) =>
        this.db.doc.send(
          new QueryCommand({
            TableName: this.db.tableName,
            IndexName: 'GSI2',
            KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK < :until',
            ExpressionAttributeValues: { ':pk': recycleBinPk(shard), ':until': recycleBinUntil(cutoff) },
            Limit: limit,
          }),
        ),
      ),
    );
    return pages.flatMap((p) => (p.Items ?? []).map(customerFromItem));
  }

  /** Name prefix search over live profiles (normalized: lower-case, folded white space). */
  async searchByNamePrefix(prefix: string, limit: number, cursor?: Record<string, string>): Promise<{ items: Customer[]; lastKey?: Record<string, unknown> }> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)',
        ExpressionAttributeValues: { ':pk': namePartition(prefix), ':prefix': prefix },
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      }),
    );
    return { items: (res.Items ?? []).map(customerFromItem), ...(res.LastEvaluatedKey ? { lastKey: res.LastEvaluatedKey } : {}) };
  }
}

/** Which identity decides who a new profile is when its identities disagree. */
const STRENGTH: readonly IdentityKind[] = ['platform', 'external', 'email', 'phone'];

function withoutIdentities(c: Customer, ids: Identity[]): Customer {
  if (ids.length === 0) return c;
  const out: Customer = { ...c, platformIds: c.platformIds.filter((p) => !ids.some((i) => i.kind === 'platform' && i.value === platformIdentity(p.platform, p.store, p.id))) };
  for (const i of ids) {
    if (i.kind === 'email' && out.email === i.value) delete out.email;
    if (i.kind === 'phone' && out.phone === i.value) delete out.phone;
    if (i.kind === 'external' && out.externalId === i.value) delete out.externalId;
  }
  return out;
}
