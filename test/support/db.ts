import { randomBytes } from 'node:crypto';
import { ensureTable, LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local';
import { dynamoEndpoint, rememberTable } from './endpoint';
import { createDocumentClient, type Db } from '../../shared/store/client';
import { loadConfig } from '../../shared/runtime/config';
import { buildDeps, type Deps } from '../../shared/runtime/deps';
import type { EventPublisher } from '../../shared/events/publisher';
import type { EventEnvelope } from '../../shared/events/envelope';

/** A fresh table in the run's DynamoDB Local, and deps wired to it. */
export async function testDb(): Promise<Db & { endpoint: string; streamArn: string }> {
  const endpoint = dynamoEndpoint();
  const tableName = `crm-test-${randomBytes(4).toString('hex')}`;
  const streamArn = await ensureTable(endpoint, tableName);
  rememberTable(tableName);
  return { doc: createDocumentClient({ endpoint, credentials: LOCAL_CREDENTIALS }), tableName, endpoint, streamArn };
}

export class CapturingPublisher implements EventPublisher {
  readonly events: EventEnvelope[] = [];
  async publish(events: EventEnvelope[]) {
    this.events.push(...events);
    return { failedIds: [] };
  }
}

export async function testDeps(overrides: Partial<Deps> = {}): Promise<Deps & { db: Db }> {
  const db = await testDb();
  const config = { ...loadConfig({}), tableName: db.tableName };
  const publisher = new CapturingPublisher();
  return buildDeps(config, Buffer.alloc(32, 7), { db, publisher: async () => publisher, ...overrides });
}
