import { buildTestApp, TEST_SETTINGS, type TestApp } from './test-app';
import { asArray, getAttId, mergedTemplate, ofType, refId, type Json } from './template-helpers';
import { WIRING, type FunctionSpec } from '../../infra/wiring';
import type { Template } from 'aws-cdk-lib/assertions';
// Per-client throttling (issue 7)
import { routeCountsClients } from '../../shared/domain/rate-limit';

/**
 * Least privilege (issue 7): every function's role allows only the actions its wiring spec implies —
 * table reads or writes, Scan only where it scans, stream reads only for the stream consumer, queue
 * sends only to its `sendsTo`, files only for `blobs`, the bus only where it publishes. Features
 * that call other AWS services (messaging channels, the user directory) add their own actions,
 * listed here by name so a new grant is a deliberate change of this test.
 */
let built: TestApp;
let t: Template;
beforeAll(() => {
  built = buildTestApp();
  t = mergedTemplate(built.stateless);
});
afterAll(() => built.cleanup());

const ALWAYS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'kms:Decrypt', 'kms:DescribeKey'];
const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];
const STREAM = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
const CONSUME = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];
const SEND = ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];

/** Actions of other AWS services a feature's functions call, by the prefix of the action. */
const SERVICE_PREFIXES = ['cognito-idp:', 'ses:', 'sms-voice:', 'sns:', 'cloudfront:'];

function allowed(spec: FunctionSpec): Set<string> {
  const out = new Set([...ALWAYS, ...READ]);
  if (spec.table === 'write') WRITE.forEach((a) => out.add(a));
  if (spec.scans) out.add('dynamodb:Scan');
  // Per-client throttling (issue 7): routes a machine client reaches count its requests; a read-only one may UpdateItem only its RATE# counters (test/infra/machine-clients.test.ts).
  if (spec.http && routeCountsClients(spec.http.permission)) out.add('dynamodb:UpdateItem');
  // The stream consumer also sends failed batches to its on-failure queue.
  if (spec.stream) [...STREAM, ...SEND].forEach((a) => out.add(a));
  if (spec.consumer || spec.queue) CONSUME.forEach((a) => out.add(a));
  if (spec.sendsTo?.length) SEND.forEach((a) => out.add(a));
  if (spec.publishes) out.add('events:PutEvents');
  if (spec.blobs) ['s3:GetObject', 's3:ListBucket', 'kms:GenerateDataKey', ...(spec.blobs.access === 'write' ? ['s3:PutObject'] : []), ...(spec.blobs.delete ? ['s3:DeleteObject'] : [])].forEach((a) => out.add(a));
  return out;
}

function actionsOf(spec: FunctionSpec): string[] {
  const name = `crm-${TEST_SETTINGS.stage}-${spec.name}`;
  const hit = Object.entries(ofType(t, 'AWS::Lambda::Function')).find(([, f]) => f.Properties.FunctionName === name);
  if (!hit) throw new Error(`no function ${name}`);
  const roleId = getAttId(hit[1].Properties.Role);
  return [
    ...new Set(
      Object.values(ofType(t, 'AWS::IAM::Policy'))
        .filter((p) => (p.Properties.Roles as unknown[]).some((r) => refId(r) === roleId))
        .flatMap((p) => (p.Properties.PolicyDocument.Statement as Json[]).filter((s) => s.Effect === 'Allow').flatMap((s) => asArray(s.Action as string))),
    ),
  ];
}

test.each(WIRING.map((s) => [s.name, s] as const))('%s may do only what its spec needs', (_name, spec) => {
  const extra = actionsOf(spec).filter((a) => !allowed(spec).has(a) && !SERVICE_PREFIXES.some((p) => a.startsWith(p)));
  expect(extra).toEqual([]);
});

test('only the functions that scan may Scan, and only the stream consumer reads the stream', () => {
  const scanners = WIRING.filter((s) => actionsOf(s).includes('dynamodb:Scan')).map((s) => s.name);
  expect(scanners.sort()).toEqual(WIRING.filter((s) => s.scans).map((s) => s.name).sort());
  expect(scanners).toEqual(expect.arrayContaining(['jobs', 'value-models', 'segments-preview']));
  const streamReaders = WIRING.filter((s) => actionsOf(s).includes('dynamodb:GetRecords')).map((s) => s.name);
  expect(streamReaders).toEqual(['outbox-relay']);
});
