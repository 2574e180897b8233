import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local';

/** This test file's DynamoDB Local (test/support/drop-tables.ts starts one per integration and e2e file). */
export function dynamoEndpoint(): string {
  const endpoint = process.env.CRM_TEST_DYNAMO_ENDPOINT;
  if (!endpoint) throw new Error('CRM_TEST_DYNAMO_ENDPOINT is not set: DynamoDB Local is started for test files under test/integration and test/e2e (test/support/drop-tables.ts)');
  return endpoint;
}

/** Records the emulator this file uses. */
export function useDynamo(endpoint: string): void {
  process.env.CRM_TEST_DYNAMO_ENDPOINT = endpoint;
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
