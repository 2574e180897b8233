import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client';
import { JOURNEY_SECRETS_PK, journeySecretKey, stripKeys } from './keys';

export const JOURNEY_SECRET_ENTITY = 'journey-secret';

/** A journey webhook secret as stored: the value only encrypted (see shared/usecases/journeys/secrets.ts). */
export interface StoredSecret {
  name: string;
  /** AES-256-GCM: base64url of iv (12 bytes) + tag (16 bytes) + ciphertext. */
  sealed: string;
  /** The last four characters, to tell secrets apart without revealing them. */
  hint: string;
  updatedAt: string;
  updatedBy: string;
}

/** Journey webhook secrets: a small partition, listed whole. */
export class JourneySecretsRepo {
  constructor(private readonly db: Db) {}

  async put(s: StoredSecret): Promise<void> {
    await this.db.doc.send(new PutCommand({ TableName: this.db.tableName, Item: { ...journeySecretKey(s.name), entity: JOURNEY_SECRET_ENTITY, ...s } }));
  }

  async get(name: string): Promise<StoredSecret | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: journeySecretKey(name), ConsistentRead: true }));
    return res.Item ? stripKeys<StoredSecret>(res.Item) : undefined;
  }

  async list(): Promise<StoredSecret[]> {
    const out: StoredSecret[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(new QueryCommand({ TableName: this.db.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': JOURNEY_SECRETS_PK }, ...(start ? { ExclusiveStartKey: start } : {}) }));
      out.push(...(res.Items ?? []).map((i) => stripKeys<StoredSecret>(i)));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** False when there was no such secret. */
  async delete(name: string): Promise<boolean> {
    const res = await this.db.doc.send(new DeleteCommand({ TableName: this.db.tableName, Key: journeySecretKey(name), ReturnValues: 'ALL_OLD' }));
    return !!res.Attributes;
  }
}
