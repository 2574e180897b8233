import { startDynamoLocal } from '../../infra/local/dynamodb-local';

/** One DynamoDB Local for the whole run; each test file makes its own table in it. */
export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const ddb = await startDynamoLocal();
  process.env.CRM_TEST_DYNAMO_ENDPOINT = ddb.endpoint;
  (globalThis as { __crmDynamo?: typeof ddb }).__crmDynamo = ddb;
}
