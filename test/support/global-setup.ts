import { startDynamoLocal } from '../../infra/local/dynamodb-local';

/**
 * One DynamoDB Local per jest worker (it serializes writes in one database, so workers sharing one
 * wait on each other); each test file makes its own tables in its worker's instance and drops them
 * when it ends (test/support/drop-tables.ts).
 */
export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const workers = 2; // jest.config.js maxWorkers
  const instances = await Promise.all(Array.from({ length: workers }, () => startDynamoLocal()));
  process.env.CRM_TEST_DYNAMO_ENDPOINTS = instances.map((d) => d.endpoint).join(',');
  process.env.CRM_TEST_DYNAMO_ENDPOINT = instances[0]!.endpoint;
  (globalThis as { __crmDynamo?: typeof instances }).__crmDynamo = instances;
}
