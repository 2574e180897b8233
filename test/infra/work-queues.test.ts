import { QUEUE_NAMES } from '../../shared/runtime/message-queue';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { routeKey } from '../../shared/api/contract';
import { queueUrlEnv } from '../../shared/runtime/message-queue';
import { pascal } from '../../infra/stacks/stateless-stack';
import { queueFunctions, WIRING, type FunctionSpec } from '../../infra/wiring';
import { type Json, type Resource, asArray, getAttId, ofType, refId, mergedTemplate } from './template-helpers';
import { buildTestApp, TEST_SETTINGS, type TestApp } from './test-app';

/**
 * Work queues (the ingest queue) and the webhook receivers in the synthesized stacks: one queue +
 * DLQ per named queue, its one consumer with partial batch failures, SendMessage and the queue URL
 * for producers only, the webhook secrets for the receivers only, and routes without authorizer.
 */

let built: TestApp;
let stateful: Template;
let stateless: Template;

beforeAll(() => {
  built = buildTestApp();
  stateful = Template.fromStack(built.stateful);
  stateless = mergedTemplate(built.stateless);
});
afterAll(() => built.cleanup());


function fn(spec: FunctionSpec): { id: string; props: Json } {
  const hit = Object.entries(ofType(stateless, 'AWS::Lambda::Function')).find(([, r]) => r.Properties.FunctionName === `crm-${TEST_SETTINGS.stage}-${spec.name}`);
  if (!hit) throw new Error(`no function for ${spec.name}`);
  return { id: hit[0], props: hit[1].Properties };
}

/** The Allow statements of a function's execution role. */
function statements(spec: FunctionSpec): Json[] {
  const roleId = getAttId(fn(spec).props.Role);
  return Object.values(ofType(stateless, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as unknown[]).some((r) => refId(r) === roleId))
    .flatMap((p) => (p.Properties.PolicyDocument.Statement as Json[]).filter((s) => s.Effect === 'Allow'));
}

/** Logical id of the work queue named `name` (`crm-<stage>-<name>`). */
function queueId(name: string): string {
  const hit = Object.entries(ofType(stateless, 'AWS::SQS::Queue')).find(([, q]) => q.Properties.QueueName === `crm-${TEST_SETTINGS.stage}-${name}`);
  if (!hit) throw new Error(`no queue named ${name}`);
  return hit[0];
}

describe('work queues', () => {
  test('every work queue of QUEUE_NAMES is consumed by exactly one worker', () => {
    const consumed = queueFunctions().map((s) => s.queue.name);
    expect([...consumed].sort()).toEqual([...QUEUE_NAMES].sort());
    expect(new Set(consumed).size).toBe(consumed.length);
    expect(queueFunctions().filter((s) => ['ingest', 'import', 'export', 'timers', 'jobs'].includes(s.queue.name)).map((s) => [s.name, s.queue.name])).toEqual([
      ['ingest', 'ingest'],
      ['import', 'import'],
      ['export', 'export'],
      ['timers', 'timers'],
      ['jobs', 'jobs'],
    ]);
  });

  test.each(queueFunctions().map((s) => [s.queue.name, s] as const))('%s: one encrypted 1 MiB queue with a DLQ after maxReceiveCount, consumed with partial batch failures', (name, spec) => {
    const id = queueId(name);
    const queue = ofType(stateless, 'AWS::SQS::Queue')[id]!.Properties;
    expect(queue).toMatchObject({
      VisibilityTimeout: spec.queue.visibilityTimeoutSeconds,
      MaximumMessageSize: 1_048_576,
      KmsMasterKeyId: { 'Fn::ImportValue': expect.stringMatching(/DataKey/) },
      RedrivePolicy: { maxReceiveCount: spec.queue.maxReceiveCount },
    });
    const dlqId = getAttId(queue.RedrivePolicy.deadLetterTargetArn)!;
    expect(ofType(stateless, 'AWS::SQS::Queue')[dlqId]!.Properties).toMatchObject({ QueueName: `crm-${TEST_SETTINGS.stage}-${name}-dlq`, MaximumMessageSize: 1_048_576, MessageRetentionPeriod: 14 * 86_400 });

    const mappings = Object.values(ofType(stateless, 'AWS::Lambda::EventSourceMapping')).filter((m) => getAttId(m.Properties.EventSourceArn) === id);
    expect(mappings).toHaveLength(1);
    expect(mappings[0]!.Properties).toMatchObject({ FunctionName: { Ref: fn(spec).id }, BatchSize: spec.queue.batchSize, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    // Fed by functions only: no bus rule targets a work queue.
    for (const rule of Object.values(ofType(stateless, 'AWS::Events::Rule'))) {
      expect((rule.Properties.Targets as Json[]).map((t) => getAttId(t.Arn))).not.toContain(id);
    }

    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      AlarmActions: [{ 'Fn::ImportValue': Match.stringLikeRegexp('Alarms') }],
    });
    const outputs = stateless.findOutputs('*');
    expect(refId(outputs[`Dlq${pascal(name)}Url`]?.Value)).toBe(dlqId);
    expect(getAttId(outputs[`Dlq${pascal(name)}SourceQueueArn`]?.Value)).toBe(id);
  });

  test('least privilege: only the functions that send to a work queue may sqs:SendMessage on it, and only they know its URL', () => {
    const workQueues = new Set(queueFunctions().map((s) => queueId(s.queue.name)));
    const producers: string[] = [];
    for (const spec of WIRING) {
      // Other SendMessage grants exist (the outbox relay parks failed batches in its own DLQ); none may reach a work queue.
      const sendable = statements(spec)
        .filter((s) => asArray(s.Action as string).includes('sqs:SendMessage'))
        .flatMap((s) => asArray(s.Resource).map(getAttId))
        .filter((id): id is string => !!id && workQueues.has(id));
      const env = (fn(spec).props.Environment?.Variables ?? {}) as Json;
      const urlVars = Object.keys(env).filter((k) => k.startsWith('QUEUE_URL_'));
      const sendsTo = spec.sendsTo ?? [];
      if (sendsTo.length) producers.push(spec.name);
      expect({ spec: spec.name, sendable: sendable.sort(), urlVars }).toEqual({ spec: spec.name, sendable: sendsTo.map(queueId).sort(), urlVars: sendsTo.map(queueUrlEnv) });
      for (const q of sendsTo) expect(refId(env[queueUrlEnv(q)])).toBe(queueId(q));
    }
    // The senders the features rely on (each checked above like every other function).
    expect(producers).toEqual(expect.arrayContaining(['webhooks-shopify', 'webhooks-woocommerce', 'webhooks-generic', 'imports-start', 'import', 'exports-create', 'sweep-timers', 'timers', 'segmentation', 'jobs', 'segments-create', 'segments-update', 'segments-delete', 'tags-create', 'tags-update', 'tags-delete', 'tag-jobs-create', 'settings-put']));
  });

  test('the consumer may receive and delete, but not send', () => {
    for (const spec of queueFunctions()) {
      const actions = statements(spec).flatMap((s) => asArray(s.Action as string));
      expect(actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
      if (!spec.sendsTo?.length) expect(actions).not.toContain('sqs:SendMessage');
    }
  });
});

describe('webhook receivers', () => {
  const receivers = WIRING.filter((s) => s.secrets?.includes('webhooks'));

  test('their routes have no JWT authorizer (the signature authenticates)', () => {
    expect(receivers).toHaveLength(3);
    const routes = Object.values(ofType(stateless, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    for (const spec of receivers) {
      const route = routes.find((r) => r.RouteKey === routeKey(spec.http!));
      expect(route).toMatchObject({ AuthorizationType: 'NONE' });
      expect(route?.AuthorizerId).toBeUndefined();
    }
  });

  test('the webhook secrets are one retained Secrets Manager secret in the stateful stack, starting as an empty configuration', () => {
    stateful.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: {
        Name: `crm-${TEST_SETTINGS.stage}/webhook-secrets`,
        GenerateSecretString: Match.objectLike({ SecretStringTemplate: JSON.stringify({ shopify: {}, woocommerce: {}, generic: {} }) }),
      },
    });
  });

  test('only the receivers may read them, and only they get CRM_WEBHOOK_SECRETS_ARN', () => {
    for (const spec of WIRING) {
      const env = (fn(spec).props.Environment?.Variables ?? {}) as Json;
      const reads = statements(spec).some((s) => asArray(s.Action as string).includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource).includes('WebhookSecrets'));
      const isReceiver = receivers.includes(spec);
      expect({ spec: spec.name, reads, env: 'CRM_WEBHOOK_SECRETS_ARN' in env }).toEqual({ spec: spec.name, reads: isReceiver, env: isReceiver });
      if (isReceiver) expect(env.CRM_WEBHOOK_SECRETS_ARN).toEqual({ 'Fn::ImportValue': expect.stringMatching(/WebhookSecrets/) });
    }
  });
});
