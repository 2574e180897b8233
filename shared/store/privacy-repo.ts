import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import type { PrivacyRequest, PrivacyStatus } from '../domain/privacy';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { privacyListKeys, privacyListPk, privacyRequestItemKey, stripKeys } from './keys';

export const PRIVACY_ENTITY = 'privacy-request';

/** Data-subject requests: one item each, version-guarded by `updatedAt`, listed per status by deadline (GSI1). */
export class PrivacyRepo {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<PrivacyRequest | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: privacyRequestItemKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<PrivacyRequest>(res.Item) : undefined;
  }

  /** Creates (no `expectedUpdatedAt`) or replaces the request last written at `expectedUpdatedAt`. */
  async put(r: PrivacyRequest, expectedUpdatedAt?: string): Promise<void> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...privacyRequestItemKey(r.id), entity: PRIVACY_ENTITY, ...r, ...privacyListKeys(r.status, r.dueAt, r.id) },
          ...(expectedUpdatedAt
            ? { ConditionExpression: 'updatedAt = :u', ExpressionAttributeValues: { ':u': expectedUpdatedAt } }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        }),
      );
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') throw new ConflictError(`Privacy request ${r.id} changed meanwhile.`, { reason: 'version' });
      throw e;
    }
  }

  async list(status: PrivacyStatus, limit: number, cursor?: string): Promise<{ items: PrivacyRequest[]; cursor?: string }> {
    const pk = privacyListPk(status);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor, { GSI1PK: pk }, ['PK', 'SK', 'GSI1PK', 'GSI1SK']) } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => stripKeys<PrivacyRequest>(i)), ...(next ? { cursor: next } : {}) };
  }
}
