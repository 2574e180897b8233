import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { companyKey, isOpenLead, regionKey, type Lead, type LeadStatus } from '../domain/sales/lead';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import {
  assignmentCursorKey,
  LEAD_POOL_PK,
  LEAD_PREFIX,
  LEAD_SHARDS,
  leadFollowUpKey,
  leadHeldKey,
  leadHistoryKey,
  leadIdentityKey,
  leadKey,
  leadRefIndexKeys,
  leadRefKey,
  leadRefPk,
  type LeadRefSlot,
  leadListKeys,
  leadNameIndexKeys,
  leadNameKey,
  leadNamePartition,
  leadOwnerPk,
  leadPk,
  leadStatusKeys,
  leadStatusPk,
  stripKeys,
} from './keys';
import { decryptFollowUp, decryptLead, encryptFollowUp, encryptLead } from './lead-pii';
import type { TransactItem } from './transact';

/**
 * Leads, their search entry, history and follow-ups, the dedup claims, the held-lead counters and
 * the assignment rules' round-robin cursors. Every write is a transact item for the use case's
 * one transaction. A lead's contact fields and a follow-up's summary are encrypted on the way in
 * and decrypted on the way out (./lead-pii.ts); refs (`REF#…`) find a person's leads for a
 * data-subject request.
 */
export const LEAD_ENTITY = 'lead';
export type LeadIdentityKind = 'company' | 'phone' | 'email';

export interface LeadHistoryEntry {
  id: string;
  leadId: string;
  at: string;
  actorId: string;
  action: string;
  from?: string;
  to?: string;
  ownerId?: string;
  previousOwnerId?: string;
  note?: string;
}

export interface LeadFollowUp {
  id: string;
  leadId: string;
  channel: string;
  type: string;
  direction: 'inbound' | 'outbound';
  summary: string;
  occurredAt: string;
  authorId: string;
  createdAt: string;
  nextFollowUpAt?: string;
  taskId?: string;
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}

const toLead = (i: Record<string, unknown>) => decryptLead(stripKeys<Record<string, unknown>>(i)) as unknown as Lead;
const toFollowUp = (i: Record<string, unknown>) => decryptFollowUp(stripKeys<Record<string, unknown>>(i)) as unknown as LeadFollowUp;
export type LeadRefKind = 'email' | 'phone' | 'customer' | 'lead';

export class LeadsRepo {
  constructor(private readonly db: Db) {}

  private get table() {
    return this.db.tableName;
  }

  async get(id: string): Promise<Lead | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: leadKey(id), ConsistentRead: true }));
    return res.Item ? toLead(res.Item) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<Lead[]> {
    const out: Lead[] = [];
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(leadKey);
      while (keys?.length) {
        const res = await this.db.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys } } }));
        out.push(...(res.Responses?.[this.table] ?? []).map(toLead));
        keys = res.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    const order = new Map(ids.map((id, i) => [id, i]));
    return out.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  }

  /** The lead (over the version read, or new), its search entry, and refs to the customers it became (conversion) or the lead it joined (merge). */
  put(before: Lead | undefined, after: Lead): TransactItem[] {
    const converted = after.conversion && !before?.conversion ? after.conversion : undefined;
    const key = companyKey(after.company);
    const index = { ...leadListKeys({ id: after.id, status: after.status, ...(after.ownerId ? { ownerId: after.ownerId } : {}), regionKey: regionKey(after.region), open: isOpenLead(after.status) }), ...leadStatusKeys(after.status, after.id) };
    return [
      {
        Put: {
          TableName: this.table,
          Item: { ...leadKey(after.id), entity: LEAD_ENTITY, ...encryptLead(after), ...index },
          ...(before
            ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': before.version } }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: { ...leadNameKey(after.id), entity: 'lead-name', leadId: after.id, company: after.company, status: after.status, ...(after.ownerId ? { ownerId: after.ownerId } : {}), ...(key ? leadNameIndexKeys(key, after.id) : {}) },
        },
      },
      ...(converted ? [this.refPut(after.id, 'account', 'customer', converted.customerId)] : []),
      ...(converted && converted.contactId !== converted.customerId ? [this.refPut(after.id, 'contact', 'customer', converted.contactId)] : []),
      ...(after.mergedInto && !before?.mergedInto ? [this.refPut(after.id, 'merged', 'lead', after.mergedInto)] : []),
    ];
  }

  /** A ref of the lead (its contact's email or phone as a keyed hash, or a customer it became); overwrites the slot's previous one. */
  refPut(leadId: string, slot: LeadRefSlot, kind: LeadRefKind, value: string): TransactItem {
    return { Put: { TableName: this.table, Item: { ...leadRefKey(leadId, slot), entity: 'lead-ref', leadId, kind, ...leadRefIndexKeys(kind, value, leadId) } } };
  }

  refDelete(leadId: string, slot: LeadRefSlot): TransactItem {
    return { Delete: { TableName: this.table, Key: leadRefKey(leadId, slot) } };
  }

  /** Ids of the leads holding a ref (every page). */
  async idsByRef(kind: LeadRefKind, value: string): Promise<string[]> {
    const out: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({ TableName: this.table, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': leadRefPk(kind, value) }, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      out.push(...(res.Items ?? []).map((i) => i.leadId as string));
      start = res.LastEvaluatedKey;
    } while (start);
    return [...new Set(out)];
  }

  historyPut(e: LeadHistoryEntry): TransactItem {
    return { Put: { TableName: this.table, Item: { ...leadHistoryKey(e.leadId, e.id), entity: 'lead-history', ...e } } };
  }

  followUpPut(f: LeadFollowUp): TransactItem {
    return { Put: { TableName: this.table, Item: { ...leadFollowUpKey(f.leadId, f.id), entity: 'lead-follow-up', ...encryptFollowUp(f) }, ConditionExpression: 'attribute_not_exists(PK)' } };
  }

  /** A follow-up moved to another lead (a merge): overwriting is fine, a resumed merge writes the same item. */
  followUpCopy(f: LeadFollowUp): TransactItem {
    return { Put: { TableName: this.table, Item: { ...leadFollowUpKey(f.leadId, f.id), entity: 'lead-follow-up', ...encryptFollowUp(f) } } };
  }

  followUpDelete(leadId: string, id: string): TransactItem {
    return { Delete: { TableName: this.table, Key: leadFollowUpKey(leadId, id) } };
  }

  /** Takes a dedup claim (fails when another lead holds it). */
  claimPut(kind: LeadIdentityKind, hash: string, leadId: string, at: string): TransactItem {
    return { Put: { TableName: this.table, Item: { ...leadIdentityKey(kind, hash), entity: 'lead-identity', kind, leadId, claimedAt: at }, ConditionExpression: 'attribute_not_exists(PK) OR leadId = :id', ExpressionAttributeValues: { ':id': leadId } } };
  }

  /** Releases a claim this lead holds. */
  claimDelete(kind: LeadIdentityKind, hash: string, leadId: string): TransactItem {
    return { Delete: { TableName: this.table, Key: leadIdentityKey(kind, hash), ConditionExpression: 'attribute_not_exists(PK) OR leadId = :id', ExpressionAttributeValues: { ':id': leadId } } };
  }

  /** Hands a claim from one lead to another (a merge). */
  claimMove(kind: LeadIdentityKind, hash: string, fromId: string, toId: string): TransactItem {
    return {
      Update: { TableName: this.table, Key: leadIdentityKey(kind, hash), UpdateExpression: 'SET leadId = :to', ConditionExpression: 'leadId = :from', ExpressionAttributeValues: { ':to': toId, ':from': fromId } },
    };
  }

  async claimHolder(kind: LeadIdentityKind, hash: string): Promise<string | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: leadIdentityKey(kind, hash), ConsistentRead: true }));
    return res.Item?.leadId as string | undefined;
  }

  /**
   * Moves a rep's held-lead count by `delta`; taking one more (delta > 0) is conditioned on the
   * count staying within `limit`, so concurrent claims never pass the limit.
   */
  heldUpdate(repId: string, delta: number, limit?: number): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: leadHeldKey(repId),
        UpdateExpression: 'SET entity = :e, repId = :r ADD held :d',
        ...(delta > 0 && limit !== undefined ? { ConditionExpression: 'attribute_not_exists(held) OR held <= :max' } : {}),
        ExpressionAttributeValues: { ':e': 'lead-held', ':r': repId, ':d': delta, ...(delta > 0 && limit !== undefined ? { ':max': limit - delta } : {}) },
      },
    };
  }

  async held(repIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>(repIds.map((r) => [r, 0]));
    const unique = [...new Set(repIds)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(leadHeldKey);
      while (keys?.length) {
        const res = await this.db.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
        for (const it of res.Responses?.[this.table] ?? []) out.set(it.repId as string, (it.held as number) ?? 0);
        keys = res.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return out;
  }

  async assignmentCursor(ruleId: string): Promise<string | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: assignmentCursorKey(ruleId), ConsistentRead: true }));
    return res.Item?.lastRepId as string | undefined;
  }

  /** Moves a rule's round-robin cursor from the rep read to the one just handed a lead (fails on a concurrent hand-out). */
  assignmentCursorPut(ruleId: string, previous: string | undefined, next: string): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: { ...assignmentCursorKey(ruleId), entity: 'lead-rr', ruleId, lastRepId: next },
        ...(previous ? { ConditionExpression: 'lastRepId = :p', ExpressionAttributeValues: { ':p': previous } } : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    };
  }

  private async page<T>(input: { index?: 'GSI1' | 'GSI2'; pk: string; pkName: string; skName: string; prefix?: string; forward: boolean; limit: number; cursor?: string; filter?: { expr: string; values: Record<string, unknown>; names?: Record<string, string> } }, map: (i: Record<string, unknown>) => T): Promise<Page<T>> {
    const keys = input.index ? ['PK', 'SK', input.pkName, input.skName] : ['PK', 'SK'];
    const start = decodeCursor(input.cursor, { [input.pkName]: input.pk }, keys);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.table,
        ...(input.index ? { IndexName: input.index } : {}),
        KeyConditionExpression: input.prefix ? `${input.pkName} = :pk AND begins_with(${input.skName}, :p)` : `${input.pkName} = :pk`,
        ExpressionAttributeValues: { ':pk': input.pk, ...(input.prefix ? { ':p': input.prefix } : {}), ...(input.filter?.values ?? {}) },
        ...(input.filter ? { FilterExpression: input.filter.expr, ...(input.filter.names ? { ExpressionAttributeNames: input.filter.names } : {}) } : {}),
        ScanIndexForward: input.forward,
        Limit: input.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map(map), ...(next ? { cursor: next } : {}) };
  }

  /** An owner's leads, optionally of one status, newest first. */
  byOwner(ownerId: string, status: LeadStatus | undefined, limit: number, cursor?: string): Promise<Page<Lead>> {
    return this.page({ index: 'GSI1', pk: leadOwnerPk(ownerId), pkName: 'GSI1PK', skName: 'GSI1SK', ...(status ? { prefix: `${status}#` } : {}), forward: false, limit, ...(cursor ? { cursor } : {}) }, toLead);
  }

  /** The public pool, optionally of one region (case-folded), by region then newest first. */
  pool(region: string | undefined, limit: number, cursor?: string): Promise<Page<Lead>> {
    const key = regionKey(region);
    return this.page({ index: 'GSI1', pk: LEAD_POOL_PK, pkName: 'GSI1PK', skName: 'GSI1SK', ...(region !== undefined ? { prefix: `${key || '-'}#` } : {}), forward: false, limit, ...(cursor ? { cursor } : {}) }, toLead);
  }

  /** Leads of a status (all owners), newest first: the shards merged by id. */
  async byStatus(status: LeadStatus, limit: number, cursor?: string): Promise<Page<Lead>> {
    const after = decodeCursor(cursor, { list: `status:${status}` }, ['list', 'after'])?.after;
    const shards = await Promise.all(
      Array.from({ length: LEAD_SHARDS }, (_, shard) =>
        this.db.doc.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: 'GSI2',
            KeyConditionExpression: after ? 'GSI2PK = :pk AND GSI2SK < :after' : 'GSI2PK = :pk',
            ExpressionAttributeValues: { ':pk': leadStatusPk(status, shard), ...(after ? { ':after': after } : {}) },
            ScanIndexForward: false,
            Limit: limit,
          }),
        ),
      ),
    );
    const all = shards.flatMap((r) => (r.Items ?? []).map(toLead)).sort((a, b) => (a.id < b.id ? 1 : -1));
    const items = all.slice(0, limit);
    const more = all.length > limit || shards.some((r) => r.LastEvaluatedKey);
    const last = items[items.length - 1];
    return { items, ...(more && last ? { cursor: encodeCursor({ list: `status:${status}`, after: last.id }) } : {}) };
  }

  /** Lead ids whose company name starts with `prefix` (its dedup key), visible to `ownerId` (or all). */
  async searchCompany(prefix: string, visibleTo: string | undefined, limit: number, cursor?: string): Promise<Page<string>> {
    const key = companyKey(prefix) || prefix.trim().toLowerCase();
    const filter = visibleTo
      ? { expr: 'ownerId = :me OR (attribute_not_exists(ownerId) AND #s IN (:n, :c, :q))', values: { ':me': visibleTo, ':n': 'new', ':c': 'contacted', ':q': 'qualified' }, names: { '#s': 'status' } }
      : undefined;
    return this.page(
      { index: 'GSI1', pk: leadNamePartition(key), pkName: 'GSI1PK', skName: 'GSI1SK', prefix: key, forward: true, limit, ...(cursor ? { cursor } : {}), ...(filter ? { filter } : {}) },
      (i) => i.leadId as string,
    );
  }

  history(leadId: string, limit: number, cursor?: string): Promise<Page<LeadHistoryEntry>> {
    return this.page({ pk: leadPk(leadId), pkName: 'PK', skName: 'SK', prefix: LEAD_PREFIX.history, forward: true, limit, ...(cursor ? { cursor } : {}) }, (i) => stripKeys<LeadHistoryEntry>(i));
  }

  followUps(leadId: string, limit: number, cursor?: string, newestFirst = true): Promise<Page<LeadFollowUp>> {
    return this.page({ pk: leadPk(leadId), pkName: 'PK', skName: 'SK', prefix: LEAD_PREFIX.followUp, forward: !newestFirst, limit, ...(cursor ? { cursor } : {}) }, toFollowUp);
  }
}
