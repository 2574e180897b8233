import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local';

/** This jest worker's DynamoDB Local (global-setup starts one per worker). */
export function dynamoEndpoint(): string {
  const all = (process.env.CRM_TEST_DYNAMO_ENDPOINTS ?? process.env.CRM_TEST_DYNAMO_ENDPOINT ?? '').split(',').filter(Boolean);
  if (all.length === 0) throw new Error('CRM_TEST_DYNAMO_ENDPOINT is not set: run through jest (test/support/global-setup.ts)');
  const worker = Number(process.env.JEST_WORKER_ID ?? 1);
  return all[(worker - 1) % all.length]!;
}

/** Tables this test file made; dropped when the file ends, so the emulator does not fill up. */
const made = new Set<string>();
export const rememberTable = (name: string) => void made.add(name);

export async function dropTables(): Promise<void> {
  if (made.size === 0) return;
  const client = new DynamoDBClient({ endpoint: dynamoEndpoint(), region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  await Promise.all([...made].map((TableName) => client.send(new DeleteTableCommand({ TableName })).catch(() => undefined)));
  made.clear();
  client.destroy();
}

/** Drops one table now (a local stack's, once it has stopped). */
export async function dropTable(TableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint: dynamoEndpoint(), region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  await client.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
  client.destroy();
}
