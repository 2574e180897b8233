import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import type { CadenceRule } from '../domain/service/cadences';
import type { Db } from './client';
import { CADENCES_PK, cadenceListKeys, cadenceRuleKey, stripKeys } from './keys';

/** Care cadence rules: one item each, all listed on GSI1 (a handful). */
export const CADENCE_ENTITY = 'cadence-rule';

export class CadencesRepo {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<CadenceRule | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: cadenceRuleKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<CadenceRule>(res.Item) : undefined;
  }

  async all(): Promise<CadenceRule[]> {
    const out: CadenceRule[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({ TableName: this.db.tableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': CADENCES_PK }, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      out.push(...(res.Items ?? []).map((i) => stripKeys<CadenceRule>(i)));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async save(r: CadenceRule, expectedVersion: number): Promise<void> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...cadenceRuleKey(r.id), entity: CADENCE_ENTITY, ...r, ...cadenceListKeys(r.id) },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') throw new ConflictError(`Cadence rule ${r.id} was changed by someone else; read it again and retry.`, { reason: 'version' });
      throw e;
    }
  }
}
