import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import type { PrivacyKind, PrivacyRequest, PrivacyStatus } from '../domain/privacy';
import type { Db } from './client';
import { queryAll } from './query-all';
import { decodeCursor, encodeCursor } from './cursor';
import { erasureFilesScopeKey, privacyListKeys, privacyListPk, privacyRequestItemKey, privacySubjectKeys, privacySubjectPk, stripKeys } from './keys';

export const PRIVACY_ENTITY = 'privacy-request';

/** Data-subject requests: one item each, version-guarded by `updatedAt`, listed per status by deadline (GSI1) and per subject by kind and receipt (GSI2). */
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
          Item: { ...privacyRequestItemKey(r.id), entity: PRIVACY_ENTITY, ...r, ...privacyListKeys(r.status, r.dueAt, r.id), ...privacySubjectKeys(r) },
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

  /** Requests of one kind about a customer or a lead (GSI2 by subject, oldest first; eventually consistent: read each again to act on it). */
  async ofSubject(subject: { kind: 'customer' | 'lead'; id: string }, kind: PrivacyKind): Promise<PrivacyRequest[]> {
    const items = await queryAll(this.db, {
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :kind)',
      ExpressionAttributeValues: { ':pk': privacySubjectPk(subject.kind, subject.id), ':kind': `${kind}#` },
    });
    return items.map((i) => stripKeys<PrivacyRequest>(i));
  }

  /** The customers and leads whose export files an erasure removes, as its tries have found them so far (see usecases/privacy/files.ts). */
  async filesScope(erasureId: string): Promise<{ customerIds: string[]; leadIds: string[] } | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: erasureFilesScopeKey(erasureId), ConsistentRead: true }));
    return res.Item ? { customerIds: (res.Item.customerIds as string[]) ?? [], leadIds: (res.Item.leadIds as string[]) ?? [] } : undefined;
  }

  /** Ids only (no personal data); kept 60 days, long past any retry. */
  async putFilesScope(erasureId: string, scope: { customerIds: string[]; leadIds: string[] }, nowMs: number): Promise<void> {
    await this.db.doc.send(
      new PutCommand({ TableName: this.db.tableName, Item: { ...erasureFilesScopeKey(erasureId), entity: 'erasure-files-scope', ...scope, ttl: Math.floor(nowMs / 1000) + 60 * 86_400 } }),
    );
  }
}
