import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client';
import { idempotencyCustomerKeys, idempotencyLeadKeys, idempotencyPk, SK } from './keys';

export const IDEMPOTENCY_ENTITY = 'idempotency';
const RECORD_TTL_SECONDS = 24 * 3600;
const LOCK_MS = 30_000;

/** Whose personal data a stored answer carries: the erasure of that customer or lead drops the copy. */
export interface ReplaySubject {
  kind: 'customer' | 'lead';
  id: string;
}

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'in-progress' }
  | { kind: 'mismatch' };

/**
 * `Idempotency-Key` records (the Powertools idempotency pattern): claim the key before the work
 * with a short lock, store the answer after it; a retry gets the stored answer, a concurrent
 * duplicate gets 409, a reuse with another body gets 422.
 */
export class IdempotencyRepo {
  constructor(private readonly db: Db) {}

  async claim(scopeHash: string, requestHash: string, nowMs: number): Promise<IdempotencyClaim> {
    const Key = { PK: idempotencyPk(scopeHash), SK: SK.idempotency };
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...Key, entity: IDEMPOTENCY_ENTITY, state: 'in-progress', requestHash, lockUntil: nowMs + LOCK_MS, ttl: Math.floor(nowMs / 1000) + RECORD_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(PK) OR (#st = :ip AND lockUntil < :now)',
          ExpressionAttributeNames: { '#st': 'state' },
          ExpressionAttributeValues: { ':ip': 'in-progress', ':now': nowMs },
        }),
      );
      return { kind: 'claimed' };
    } catch (e) {
      if ((e as { name?: string }).name !== 'ConditionalCheckFailedException') throw e;
    }
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key, ConsistentRead: true }));
    const item = res.Item;
    if (!item) return this.claim(scopeHash, requestHash, nowMs);
    if (item.requestHash !== requestHash) return { kind: 'mismatch' };
    if (item.state === 'done') return { kind: 'replay', status: item.status as number, body: item.body as string };
    return { kind: 'in-progress' };
  }

  /** Stores the answer; its `subject` (an answer about a customer or a lead) indexes it so an erasure can drop the copy. */
  async complete(scopeHash: string, status: number, body: string, subject?: ReplaySubject): Promise<void> {
    const byCustomer = !subject ? undefined : subject.kind === 'lead' ? idempotencyLeadKeys(subject.id) : idempotencyCustomerKeys(subject.id);
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: { PK: idempotencyPk(scopeHash), SK: SK.idempotency },
        UpdateExpression: `SET #st = :done, #status = :status, body = :body${byCustomer ? ', GSI1PK = :g1, GSI1SK = :g1s' : ''} REMOVE lockUntil`,
        ExpressionAttributeNames: { '#st': 'state', '#status': 'status' },
        ExpressionAttributeValues: { ':done': 'done', ':status': status, ':body': body, ...(byCustomer ? { ':g1': byCustomer.GSI1PK, ':g1s': byCustomer.GSI1SK } : {}) },
      }),
    );
  }

  /** A failed attempt releases its claim so the client can retry at once. */
  async release(scopeHash: string): Promise<void> {
    await this.db.doc
      .send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: { PK: idempotencyPk(scopeHash), SK: SK.idempotency },
          UpdateExpression: 'SET lockUntil = :zero',
          ConditionExpression: '#st = :ip',
          ExpressionAttributeNames: { '#st': 'state' },
          ExpressionAttributeValues: { ':zero': 0, ':ip': 'in-progress' },
        }),
      )
      .catch(() => undefined);
  }
}
