import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Opportunity, OpportunityStatus, StageVisit } from '../domain/sales/opportunity';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { OPP_SHARDS, OPP_VISIT_PREFIX, oppAccountKeys, oppAccountPk, oppAccountRefKey, oppKey, oppOwnerKeys, oppOwnerPk, oppPk, oppStageKeys, oppStagePk, oppVisitKey, stripKeys } from './keys';
import type { Page } from './leads-repo';
import type { TransactItem } from './transact';

/** Opportunities, their account refs and stage visits. */
export const OPPORTUNITY_ENTITY = 'opportunity';
const toOpp = (i: Record<string, unknown>) => stripKeys<Opportunity>(i);

export class OpportunitiesRepo {
  constructor(private readonly db: Db) {}

  private get table() {
    return this.db.tableName;
  }

  async get(id: string): Promise<Opportunity | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: oppKey(id), ConsistentRead: true }));
    return res.Item ? toOpp(res.Item) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<Opportunity[]> {
    const out: Opportunity[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map(oppKey);
      while (keys?.length) {
        const res = await this.db.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys } } }));
        out.push(...(res.Responses?.[this.table] ?? []).map(toOpp));
        keys = res.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    const order = new Map(ids.map((id, i) => [id, i]));
    return out.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  }

  /** The opportunity over the version read; a new one also gets its account ref. */
  put(before: Opportunity | undefined, after: Opportunity): TransactItem[] {
    const item = { ...oppKey(after.id), entity: OPPORTUNITY_ENTITY, ...after, ...oppOwnerKeys(after), ...oppStageKeys(after) };
    const put: TransactItem = {
      Put: {
        TableName: this.table,
        Item: item,
        ...(before
          ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': before.version } }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    };
    if (before) return [put];
    return [put, { Put: { TableName: this.table, Item: { ...oppAccountRefKey(after.id), entity: 'opportunity-account', opportunityId: after.id, customerId: after.customerId, ...oppAccountKeys(after.customerId, after.id) } } }];
  }

  visitPut(v: StageVisit): TransactItem {
    return { Put: { TableName: this.table, Item: { ...oppVisitKey(v.opportunityId, v.id), entity: 'opportunity-visit', ...v } } };
  }

  /** Closes a stage visit (sets when it was left). */
  visitLeave(opportunityId: string, visitId: string, at: string): TransactItem {
    return { Update: { TableName: this.table, Key: oppVisitKey(opportunityId, visitId), UpdateExpression: 'SET leftAt = :at', ExpressionAttributeValues: { ':at': at } } };
  }

  async visits(opportunityId: string, limit: number, cursor?: string): Promise<Page<StageVisit>> {
    const start = decodeCursor(cursor, { PK: oppPk(opportunityId) }, ['PK', 'SK']);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: { ':pk': oppPk(opportunityId), ':p': OPP_VISIT_PREFIX },
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => stripKeys<StageVisit>(i)), ...(next ? { cursor: next } : {}) };
  }

  private async gsi1(pk: string, prefix: string | undefined, limit: number, cursor?: string): Promise<{ items: Record<string, unknown>[]; cursor?: string }> {
    const start = decodeCursor(cursor, { GSI1PK: pk }, ['PK', 'SK', 'GSI1PK', 'GSI1SK']);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'GSI1',
        KeyConditionExpression: prefix ? 'GSI1PK = :pk AND begins_with(GSI1SK, :p)' : 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':p': prefix } : {}) },
        ScanIndexForward: false,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: res.Items ?? [], ...(next ? { cursor: next } : {}) };
  }

  /** An owner's opportunities: all, of a status, or open in one stage. */
  async byOwner(ownerId: string, status: OpportunityStatus | undefined, stage: string | undefined, limit: number, cursor?: string): Promise<Page<Opportunity>> {
    const prefix = status ? `${status}#${status === 'open' && stage ? `${stage}#` : ''}` : undefined;
    const r = await this.gsi1(oppOwnerPk(ownerId), prefix, limit, cursor);
    return { items: r.items.map(toOpp), ...(r.cursor ? { cursor: r.cursor } : {}) };
  }

  /** An account's opportunity ids, newest first. */
  async idsOfAccount(customerId: string, limit: number, cursor?: string): Promise<Page<string>> {
    const r = await this.gsi1(oppAccountPk(customerId), undefined, limit, cursor);
    return { items: r.items.map((i) => i.opportunityId as string), ...(r.cursor ? { cursor: r.cursor } : {}) };
  }

  /** Open opportunities of a stage, or closed ones of a status (`won`, `lost`): shards merged by id, newest first. */
  async byStage(stageOrStatus: string, limit: number, cursor?: string): Promise<Page<Opportunity>> {
    const list = `stage:${stageOrStatus}`;
    const after = decodeCursor(cursor, { list }, ['list', 'after'])?.after;
    const shards = await Promise.all(
      Array.from({ length: OPP_SHARDS }, (_, shard) =>
        this.db.doc.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: 'GSI2',
            KeyConditionExpression: after ? 'GSI2PK = :pk AND GSI2SK < :after' : 'GSI2PK = :pk',
            ExpressionAttributeValues: { ':pk': oppStagePk(stageOrStatus, shard), ...(after ? { ':after': after } : {}) },
            ScanIndexForward: false,
            Limit: limit,
          }),
        ),
      ),
    );
    const all = shards.flatMap((r) => (r.Items ?? []).map(toOpp)).sort((a, b) => (a.id < b.id ? 1 : -1));
    const items = all.slice(0, limit);
    const more = all.length > limit || shards.some((r) => r.LastEvaluatedKey);
    const last = items[items.length - 1];
    return { items, ...(more && last ? { cursor: encodeCursor({ list, after: last.id }) } : {}) };
  }
}
