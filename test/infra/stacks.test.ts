import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { routeKey } from '../../shared/api/contract';
import { ROLES } from '../../shared/domain/roles';
// Machine clients and per-client throttling (issue 7)
import { routeCountsClients } from '../../shared/domain/rate-limit';
import { OUTBOX_ENTITY } from '../../shared/store/outbox';
import { TABLE_DEFINITION } from '../../shared/store/table';
import { pascal } from '../../infra/stacks/stateless-stack';
import { WIRING, httpFunctions, type FunctionSpec } from '../../infra/wiring';
import { type Json, type Resource, asArray, getAttId, ofType, refId, mergedTemplate } from './template-helpers';
import { buildTestApp, TEST_SETTINGS, type TestApp } from './test-app';


let built: TestApp;
let stateful: Template;
let stateless: Template;

beforeAll(() => {
  built = buildTestApp();
  stateful = Template.fromStack(built.stateful);
  stateless = mergedTemplate(built.stateless);
});
afterAll(() => built.cleanup());


/** Logical id of the Lambda function built for a wiring spec (found by its function name). */
function functionId(spec: FunctionSpec): string {
  const name = `crm-${TEST_SETTINGS.stage}-${spec.name}`;
  const hit = Object.entries(ofType(stateless, 'AWS::Lambda::Function')).find(([, r]) => r.Properties.FunctionName === name);
  if (!hit) throw new Error(`no Lambda function named ${name}`);
  return hit[0];
}

/** Every IAM action granted to a function's execution role. */
function roleActions(spec: FunctionSpec): string[] {
  const fn = ofType(stateless, 'AWS::Lambda::Function')[functionId(spec)]!;
  const roleId = getAttId(fn.Properties.Role);
  return Object.values(ofType(stateless, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as unknown[]).some((r) => refId(r) === roleId))
    .flatMap((p) => (p.Properties.PolicyDocument.Statement as Json[]).filter((s) => s.Effect === 'Allow').flatMap((s) => asArray(s.Action as string)));
}

/** Queues that receive dead letters: redrive targets, stream on-failure destinations, rule target DLQs. */
function deadLetterQueueIds(): Set<string> {
  const ids = new Set<string>();
  for (const q of Object.values(ofType(stateless, 'AWS::SQS::Queue'))) ids.add(getAttId(q.Properties.RedrivePolicy?.deadLetterTargetArn)!);
  for (const m of Object.values(ofType(stateless, 'AWS::Lambda::EventSourceMapping'))) ids.add(getAttId(m.Properties.DestinationConfig?.OnFailure?.Destination)!);
  for (const r of Object.values(ofType(stateless, 'AWS::Events::Rule'))) for (const t of r.Properties.Targets as Json[]) ids.add(getAttId(t.DeadLetterConfig?.Arn)!);
  ids.delete(undefined as unknown as string);
  return ids;
}

const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

describe('HTTP API', () => {
  test.each(httpFunctions().map((s) => [routeKey(s.http), s] as const))('route %s exists, is authorized as declared and reaches its function', (key, spec) => {
    const routes = Object.values(ofType(stateless, 'AWS::ApiGatewayV2::Route')).filter((r) => r.Properties.RouteKey === key);
    expect(routes).toHaveLength(1);
    const route = routes[0]!.Properties;
    if (spec.http.permission === 'public') {
      expect(route.AuthorizationType).toBe('NONE');
    } else {
      expect(route.AuthorizationType).toBe('JWT');
      expect(Object.keys(ofType(stateless, 'AWS::ApiGatewayV2::Authorizer'))).toContain(refId(route.AuthorizerId));
    }
    const integrationId = refId((route.Target as Json)['Fn::Join'][1][1]);
    const integration = ofType(stateless, 'AWS::ApiGatewayV2::Integration')[integrationId!]!;
    expect(getAttId(integration.Properties.IntegrationUri)).toBe(functionId(spec));
  });

  test('has no route the wiring table does not declare', () => {
    const keys = Object.values(ofType(stateless, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey).sort();
    expect(keys).toEqual(httpFunctions().map((s) => routeKey(s.http)).sort());
  });

  test('the authorizer verifies Cognito JWTs issued for the app client', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { 'Fn::ImportValue': Match.stringLikeRegexp('Users') }]] },
        // People's app client, then the machine clients (issue 7: default one, `integrations`).
        Audience: [{ 'Fn::ImportValue': Match.stringLikeRegexp('AppClient') }, { 'Fn::ImportValue': Match.stringLikeRegexp('MachineIntegrations') }],
      },
    });
  });

  test('CORS allows only the configured origins and the headers clients send', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: TEST_SETTINGS.corsOrigins,
        AllowHeaders: Match.arrayWith(['authorization', 'content-type', 'idempotency-key', 'x-correlation-id']),
      },
    });
  });

  test('the default stage is throttled and writes JSON access logs', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: TEST_SETTINGS.throttle.rateLimit, ThrottlingBurstLimit: TEST_SETTINGS.throttle.burstLimit },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, Format: Match.stringLikeRegexp('\\$context.requestId') },
    });
  });
});

describe('functions', () => {
  test('one Lambda per wiring spec, nodejs22.x on arm64, traced, with the settings in its environment', () => {
    expect(Object.keys(ofType(stateless, 'AWS::Lambda::Function'))).toHaveLength(WIRING.length);
    for (const spec of WIRING) {
      const fn = ofType(stateless, 'AWS::Lambda::Function')[functionId(spec)]!.Properties;
      expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', TracingConfig: { Mode: 'Active' } });
      expect(fn.MemorySize).toBe(spec.memoryMb ?? 512);
      expect(fn.Timeout).toBe(spec.timeoutSeconds ?? 10);
      expect(fn.Environment.Variables).toMatchObject({
        TABLE_NAME: `crm-${TEST_SETTINGS.stage}`,
        EVENT_BUS_NAME: expect.objectContaining({ 'Fn::ImportValue': expect.stringMatching(/Bus/) }),
        CRM_STAGE: TEST_SETTINGS.stage,
        DEFAULT_PHONE_REGION: TEST_SETTINGS.defaultPhoneRegion,
        CRM_IDENTITY_KEY_SECRET_ARN: expect.objectContaining({ 'Fn::ImportValue': expect.stringMatching(/IdentityKey/) }),
        POWERTOOLS_SERVICE_NAME: 'crm',
        POWERTOOLS_METRICS_NAMESPACE: 'Crm',
        NODE_OPTIONS: '--enable-source-maps',
      });
      const logGroup = ofType(stateless, 'AWS::Logs::LogGroup')[refId(fn.LoggingConfig.LogGroup)!];
      expect(logGroup?.Properties.RetentionInDays).toBe(30);
    }
  });

  test.each(WIRING.map((s) => [s.name, s] as const))('%s gets only the table access its spec declares', (_, spec) => {
    const actions = roleActions(spec);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'secretsmanager:GetSecretValue']));
    // Per-client throttling (issue 7): a read-only function a machine client reaches may also UpdateItem its RATE# counters (test/infra/machine-clients.test.ts).
    const counts = !!spec.http && routeCountsClients(spec.http.permission);
    if (spec.table === 'read') {
      for (const a of WRITE_ACTIONS) if (!(counts && a === 'dynamodb:UpdateItem')) expect(actions).not.toContain(a);
    } else expect(actions).toEqual(expect.arrayContaining(WRITE_ACTIONS));
  });

  test('only specs that publish may put events on the bus', () => {
    const publishers = WIRING.filter((s) => roleActions(s).includes('events:PutEvents')).map((s) => s.name);
    expect(publishers).toEqual(WIRING.filter((s) => s.publishes).map((s) => s.name));
    expect(publishers).toContain('outbox-relay');
  });

  test('the fail-open safety nets (audit write, rate counter) alarm on their first occurrence', () => {
    for (const [metric, name] of [['AuditWriteFailed', 'audit-write-failed'], ['RateLimiterFailed', 'rate-limiter-failed']] as const) {
      stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `crm-${TEST_SETTINGS.stage}-${name}`,
        Namespace: 'Crm',
        MetricName: metric,
        Dimensions: [{ Name: 'service', Value: 'crm' }],
        Statistic: 'Sum',
        Threshold: 1,
        Period: 300,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ 'Fn::ImportValue': Match.stringLikeRegexp('Alarms') }],
      });
    }
  });

  test('every function alarms on errors and throttles', () => {
    for (const spec of WIRING) {
      for (const metric of ['Errors', 'Throttles']) {
        stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(spec) } }],
          Threshold: 1,
          Period: 300,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ 'Fn::ImportValue': Match.stringLikeRegexp('Alarms') }],
        });
      }
    }
  });
});

describe('event delivery', () => {
  test('the stream relay reads outbox items and the changes of orders, timeline items and profiles from the stream, bisects and parks failures', () => {
    const relay = WIRING.find((s) => s.stream)!;
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId(relay) },
      EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('StreamArn') },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: relay.stream!.batchSize,
      MaximumRetryAttempts: relay.stream!.maxRetries,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } },
      FilterCriteria: {
        Filters: [
          { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: [OUTBOX_ENTITY] } } } },
          { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entity: { S: ['order', 'timeline', 'customer'] } } } },
          { eventName: ['REMOVE'], dynamodb: { OldImage: { entity: { S: ['order', 'timeline', 'customer'] } } } },
        ].map((p) => ({ Pattern: JSON.stringify(p) })),
      },
    });
  });

  test.each(WIRING.filter((s) => s.consumer).map((s) => [s.name, s] as const))('%s consumes its events through its own queue with a DLQ', (_, spec) => {
    const consumer = spec.consumer!;
    const mapping = Object.values(ofType(stateless, 'AWS::Lambda::EventSourceMapping')).find((m) => refId(m.Properties.FunctionName) === functionId(spec))!;
    expect(mapping.Properties).toMatchObject({ BatchSize: consumer.batchSize, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    const queueId = getAttId(mapping.Properties.EventSourceArn)!;
    const queue = ofType(stateless, 'AWS::SQS::Queue')[queueId]!.Properties;
    expect(queue.VisibilityTimeout).toBe(consumer.visibilityTimeoutSeconds);
    expect(queue.RedrivePolicy.maxReceiveCount).toBe(consumer.maxReceiveCount);
    expect(getAttId(queue.RedrivePolicy.deadLetterTargetArn)).toBeDefined();
    stateless.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { 'Fn::ImportValue': Match.stringLikeRegexp('Bus') },
      EventPattern: { source: ['crm'], 'detail-type': [...consumer.events] },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] }, DeadLetterConfig: Match.anyValue(), RetryPolicy: { MaximumRetryAttempts: 2 } })],
    });
  });

  test.each(WIRING.filter((s) => s.schedule).map((s) => [s.name, s] as const))('%s runs on its schedule with retries and a DLQ', (_, spec) => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: spec.schedule!.atUtc
        ? `cron(${Number(spec.schedule!.atUtc.slice(3))} ${Number(spec.schedule!.atUtc.slice(0, 2))} * * ? *)`
        : Schedule.rate(Duration.minutes(spec.schedule!.everyMinutes)).expressionString,
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId(spec), 'Arn'] }, DeadLetterConfig: Match.anyValue(), RetryPolicy: { MaximumRetryAttempts: 2 } })],
    });
  });

  test('every queue is encrypted with the data key and refuses plain HTTP', () => {
    const queues = ofType(stateless, 'AWS::SQS::Queue');
    const policies = Object.values(ofType(stateless, 'AWS::SQS::QueuePolicy'));
    for (const [id, q] of Object.entries(queues)) {
      expect(q.Properties.KmsMasterKeyId).toEqual({ 'Fn::ImportValue': expect.stringMatching(/DataKey/) });
      const tlsOnly = policies.some(
        (p) =>
          (p.Properties.Queues as unknown[]).some((r) => refId(r) === id) &&
          (p.Properties.PolicyDocument.Statement as Json[]).some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'),
      );
      expect(tlsOnly).toBe(true);
    }
  });

  test('every dead-letter queue keeps messages 14 days, alarms when not empty, and is exported for replay', () => {
    const dlqs = deadLetterQueueIds();
    expect(dlqs.size).toBe(WIRING.filter((s) => s.consumer || s.queue || s.stream || s.schedule).length);
    const outputs = stateless.findOutputs('*');
    const urlOutputs = Object.entries(outputs).filter(([k]) => /^Dlq\w+Url$/.test(k));
    for (const id of dlqs) {
      expect(ofType(stateless, 'AWS::SQS::Queue')[id]!.Properties.MessageRetentionPeriod).toBe(14 * 86_400);
      stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ 'Fn::ImportValue': Match.stringLikeRegexp('Alarms') }],
      });
      expect(urlOutputs.filter(([, o]) => refId(o.Value) === id)).toHaveLength(1);
    }
    for (const name of WIRING.flatMap((s) => (s.consumer ? [s.name] : s.queue ? [s.queue.name] : []))) {
      const source = outputs[`Dlq${pascal(name)}SourceQueueArn`];
      expect(ofType(stateless, 'AWS::SQS::Queue')[getAttId(source?.Value)!]?.Properties.RedrivePolicy).toBeDefined();
    }
  });
});

describe('stateful resources', () => {
  test('the table follows TABLE_DEFINITION, with PITR, the CMK, stream, TTL and deletion protection', () => {
    const d = TABLE_DEFINITION;
    const keySchema = (pk: string, sk: string) => [{ AttributeName: pk, KeyType: 'HASH' }, { AttributeName: sk, KeyType: 'RANGE' }];
    stateful.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        TableName: `crm-${TEST_SETTINGS.stage}`,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema(d.partitionKey, d.sortKey),
        GlobalSecondaryIndexes: d.globalIndexes.map((g) => ({ IndexName: g.name, KeySchema: keySchema(g.partitionKey, g.sortKey), Projection: { ProjectionType: 'ALL' } })),
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DataKey'), 'Arn'] } },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });

  test('the key rotates and is retained', () => {
    stateful.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
  });

  test('the bus is encrypted and archives every crm event for 30 days', () => {
    stateful.hasResourceProperties('AWS::Events::EventBus', { Name: `crm-${TEST_SETTINGS.stage}`, KmsKeyIdentifier: Match.anyValue() });
    stateful.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: { source: ['crm'] },
      RetentionDays: 30,
      KmsKeyIdentifier: { 'Fn::GetAtt': [Match.stringLikeRegexp('DataKey'), 'Arn'] },
      SourceArn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([`:event-bus/crm-${TEST_SETTINGS.stage}`])] }),
    });
  });

  test('the user pool is invite-only with a strong password policy, one group per role and an SRP client', () => {
    stateful.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      MfaConfiguration: 'OPTIONAL',
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }) },
    });
    const groups = Object.values(ofType(stateful, 'AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName).sort();
    expect(groups).toEqual([...ROLES].sort());
    stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false, ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']) });
  });

  test('the identity key is a generated 48-character secret', () => {
    stateful.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true } });
  });

  test('the alarm topic is encrypted, TLS-only, open to CloudWatch and mails the alarm address', () => {
    stateful.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    stateful.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: TEST_SETTINGS.alarmEmail });
    stateful.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
  });

  test('no email subscription without an alarm address', () => {
    const { alarmEmail: _omit, ...noEmail } = TEST_SETTINGS;
    const other = buildTestApp({ ...noEmail, stage: 'quiet' });
    try {
      Template.fromStack(other.stateful).resourceCountIs('AWS::SNS::Subscription', 0);
    } finally {
      other.cleanup();
    }
  });
});

describe('operations', () => {
  test('the API alarms on 5xx answers', () => {
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Threshold: 1 });
  });

  test('the dashboard shows API, function, DLQ and business metrics', () => {
    const dashboards = Object.values(ofType(stateless, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
    for (const text of ['AWS/ApiGateway', 'Latency', 'p99', 'AWS/Lambda', 'Duration', 'ApproximateNumberOfMessagesVisible', 'CustomersCreated', 'EventsPublished', 'ConsumerFailures', '\\"service\\",\\"crm\\"']) {
      expect(body).toContain(text);
    }
  });

  test('the stacks are named after the stage', () => {
    expect([built.stateful.stackName, built.stateless.stackName]).toEqual([`Crm-${TEST_SETTINGS.stage}-Stateful`, `Crm-${TEST_SETTINGS.stage}-Stateless`]);
  });

  test('outputs give the API URL and the Cognito ids', () => {
    const outputs = stateless.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['ApiUrl', 'UserPoolId', 'UserPoolClientId']));
  });
});
