import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DuplicateReason } from '../domain/customer';
import { NotFoundError } from '../domain/errors';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { duplicateListKeys, duplicateListPk, duplicatePk, SK, stripKeys } from './keys';

export const DUPLICATE_ENTITY = 'duplicate';
export type DuplicateStatus = 'open' | 'dismissed' | 'merged';

export interface DuplicateCandidate {
  id: string;
  customerIds: [string, string];
  reasons: DuplicateReason[];
  status: DuplicateStatus;
  detectedAt: string;
  resolvedAt?: string;
  resolvedBy?: string;
}

/** Duplicate candidates (查重) waiting for review: one item per pair, keyed by the sorted pair. */
export class DuplicatesRepo {
  constructor(private readonly db: Db) {}

  static idOf(a: string, b: string): string {
    return a < b ? `${a}.${b}` : `${b}.${a}`;
  }

  private static pair(id: string): [string, string] | undefined {
    const parts = id.split('.');
    return parts.length === 2 && parts[0] && parts[1] ? [parts[0], parts[1]] : undefined;
  }

  /** Records a candidate pair once; a pair already reviewed (dismissed or merged) stays as it is. */
  async record(a: string, b: string, reasons: DuplicateReason[], now: string): Promise<boolean> {
    const id = DuplicatesRepo.idOf(a, b);
    const c: DuplicateCandidate = { id, customerIds: DuplicatesRepo.pair(id)!, reasons, status: 'open', detectedAt: now };
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { PK: duplicatePk(a, b), SK: SK.duplicate, entity: DUPLICATE_ENTITY, ...c, ...duplicateListKeys('open', `${now}#${id}`) },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async get(id: string): Promise<DuplicateCandidate | undefined> {
    const pair = DuplicatesRepo.pair(id);
    if (!pair) return undefined;
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: { PK: duplicatePk(pair[0], pair[1]), SK: SK.duplicate } }));
    return res.Item ? stripKeys<DuplicateCandidate>(res.Item) : undefined;
  }

  async resolve(id: string, status: Exclude<DuplicateStatus, 'open'>, actorId: string, now: string): Promise<DuplicateCandidate> {
    const pair = DuplicatesRepo.pair(id);
    if (!pair) throw new NotFoundError('Duplicate candidate', id);
    try {
      const res = await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: { PK: duplicatePk(pair[0], pair[1]), SK: SK.duplicate },
          UpdateExpression: 'SET #s = :s, resolvedAt = :now, resolvedBy = :by, GSI1PK = :gpk, GSI1SK = :gsk',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': status, ':now': now, ':by': actorId, ':gpk': duplicateListPk(status), ':gsk': `${now}#${id}` },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return stripKeys<DuplicateCandidate>(res.Attributes!);
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') throw new NotFoundError('Duplicate candidate', id);
      throw e;
    }
  }

  async list(status: DuplicateStatus, limit: number, cursor?: string): Promise<{ items: DuplicateCandidate[]; cursor?: string }> {
    const pk = duplicateListPk(status);
    const start = decodeCursor(cursor, { GSI1PK: pk }, ['PK', 'SK', 'GSI1PK', 'GSI1SK']);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => stripKeys<DuplicateCandidate>(i)), ...(next ? { cursor: next } : {}) };
  }
}
