import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import type { IntegrationClient } from '../domain/users';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { INTEGRATION_CLIENTS_PK, integrationClientKey, integrationClientListKeys, stripKeys } from './keys';

/** Integration clients' grants: one item per client id, listed on GSI1, `version` on every write. */
export const INTEGRATION_CLIENT_ENTITY = 'integration-client';

export class IntegrationClientsRepo {
  constructor(private readonly db: Db) {}

  /** `consistent: false` for the HTTP kernel's once-a-minute read. */
  async get(clientId: string, consistent = true): Promise<IntegrationClient | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: integrationClientKey(clientId), ConsistentRead: consistent }));
    return res.Item ? stripKeys<IntegrationClient>(res.Item) : undefined;
  }

  /** Creates (`expectedVersion` 0) or replaces the grant read at `expectedVersion`. */
  async put(c: IntegrationClient, expectedVersion: number): Promise<void> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...integrationClientKey(c.id), entity: INTEGRATION_CLIENT_ENTITY, ...c, ...integrationClientListKeys(c.id) },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') {
        throw new ConflictError(`Integration client ${c.id} was changed by someone else (or created meanwhile); read it again and retry.`, { reason: 'version' });
      }
      throw e;
    }
  }

  async list(limit: number, cursor?: string): Promise<{ items: IntegrationClient[]; cursor?: string }> {
    const start = decodeCursor(cursor, { GSI1PK: INTEGRATION_CLIENTS_PK }, ['PK', 'SK', 'GSI1PK', 'GSI1SK']);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': INTEGRATION_CLIENTS_PK },
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => stripKeys<IntegrationClient>(i)), ...(next ? { cursor: next } : {}) };
  }
}
