import { CfnOutput, Duration, NestedStack, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { Construct } from 'constructs';
import { queueUrlEnv, type QueueName } from '../../shared/runtime/message-queue';
import { OUTBOX_ENTITY } from '../../shared/store/outbox';
import { CrmApi } from '../constructs/crm-api';
import { CrmFunction } from '../constructs/crm-function';
import { Monitoring } from '../constructs/monitoring';
import { deadLetterQueue, EventConsumer, TARGET_RETRY_ATTEMPTS, WorkQueue } from '../constructs/queues';
import type { Settings } from '../settings';
import { WIRING, type BlobAccess, type ConsumerSpec, type FunctionSpec } from '../wiring';
import { transferBucketName, type StatefulStack } from './stateful-stack';
// Per-client throttling (issue 7)
import { routeCountsClients } from '../../shared/domain/rate-limit';
import { RATE_COUNTER_PREFIX } from '../../shared/store/keys';
import { RATE_COUNTER_ATTRIBUTES } from '../../shared/store/rate-counters-repo';
// Messaging (issue 6)
import { MessagingChannels } from './messaging-channels';

export interface StatelessStackProps extends StackProps {
  settings: Settings;
  stateful: StatefulStack;
  /** Defaults to the wiring table; tests pass variants (e.g. a public route) to cover every branch. */
  wiring?: readonly FunctionSpec[];
}

/** A DLQ and what feeds it (named after the function, or the work queue); the ops replay command reads these from the stack outputs. */
interface DlqSource {
  name: string;
  dlq: sqs.IQueue;
  source: { kind: 'Queue' | 'Function' | 'Stream'; arn: string };
}

export const pascal = (kebab: string) => kebab.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/**
 * The nested stack a function goes in: one per HTTP area (`functions/http/<area>/`), and one each
 * for the webhook receivers, the workers and the schedules. A CloudFormation stack holds at most
 * 500 resources and a function brings about nine (role, policy, log group, alarms, route,
 * integration, permission), so the functions are spread over nested stacks deployed as one.
 */
export function functionGroup(spec: Pick<FunctionSpec, 'entry'>): string {
  const parts = spec.entry.split('/');
  const kind = parts[1] ?? 'other';
  return pascal(kind === 'http' && parts.length > 3 ? `http-${parts[2]}` : kind);
}

/**
 * Every function and its triggers, built by iterating the wiring table: HTTP routes on one API,
 * event consumers behind their own queue and DLQ, work queues (+DLQ) between the functions that
 * send to them and their consumer, the stream relay on the table stream, and schedules. No
 * function is named here; add one to infra/wiring.ts. The API, the work queues, the dashboard and
 * the outputs are in this stack; each function with its route, queue, rule and alarms in the
 * nested stack of its group (`functionGroup`).
 */
export class StatelessStack extends Stack {
  readonly api: CrmApi;
  /** The stateful table, addressed by its fixed name (its stream ARN and key come from the stateful stack). */
  readonly table: dynamodb.ITable;
  readonly functions = new Map<string, CrmFunction>();
  readonly dlqs: DlqSource[] = [];
  readonly workQueues = new Map<QueueName, WorkQueue>();
  readonly monitoring: Monitoring;
  readonly groups = new Map<string, NestedStack>();

  private readonly settings: Settings;
  private readonly stateful: StatefulStack;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Rules targeting encrypted queues get a key-policy grant conditioned on this account, not an open one.
    this.node.setContext(cxapi.EVENTS_TARGET_QUEUE_SAME_ACCOUNT, true);
    // Imports of stateful values stay strong exports: CloudFormation refuses to delete one still in use.
    this.node.setContext(cxapi.DEFAULT_CROSS_STACK_REFERENCES, 'strong');
    this.settings = props.settings;
    this.stateful = props.stateful;
    const { userPool, userPoolClient, alarmTopic } = props.stateful;

    this.table = dynamodb.Table.fromTableAttributes(this, 'Table', {
      tableName: props.stateful.tableName,
      tableStreamArn: props.stateful.table.tableStreamArn,
      encryptionKey: props.stateful.key,
      grantIndexPermissions: true,
    });
    // Machine clients (issue 7): the authorizer's audience lists them too.
    this.api = new CrmApi(this, 'Api', { settings: this.settings, userPool, userPoolClient, machineClients: [...props.stateful.machineClients.values()] });
    this.monitoring = new Monitoring(this, 'Monitoring', { stage: this.settings.stage, alarmTopic });
    this.monitoring.watchApi(this.api.api);

    const wiring = props.wiring ?? WIRING;
    this.buildWorkQueues(wiring);
    for (const spec of wiring) {
      const scope = this.groupOf(spec);
      const fn = this.buildFunction(spec, scope);
      if (spec.http) this.api.addRoute(spec.http, fn, pascal(spec.name), scope);
      if (spec.consumer) this.wireConsumer(spec, spec.consumer, fn, scope);
      if (spec.queue) this.workQueues.get(spec.queue.name)!.consumeWith(fn);
      for (const name of spec.sendsTo ?? []) this.allowSend(spec, name, fn);
      if (spec.secrets?.includes('webhooks')) this.bindWebhookSecrets(fn);
      if (spec.blobs) this.bindBlobs(fn, spec.blobs);
      if (spec.stream) this.wireStream(spec, spec.stream, fn, scope);
      if (spec.schedule) this.wireSchedule(spec, spec.schedule, fn, scope);
      if (spec.publishes) this.stateful.bus.grantPutEventsTo(fn);
      // Users administration (issue 7): the Cognito admin actions a users function calls, on the one user pool.
      if (spec.directory?.length) this.bindUserDirectory(fn, spec.directory);
      // Per-client throttling (issue 7): routes a machine client can reach count its requests.
      if (spec.http && routeCountsClients(spec.http.permission)) this.allowRateCounter(fn, spec);
    }

    // Messaging (issue 6): the feedback topic, SES and SMS configuration sets, send rights and the channel environment.
    const feedbackQueue = this.workQueues.get('message-feedback');
    new MessagingChannels(this, 'Messaging', { settings: this.settings, stateful: this.stateful, functions: this.functions, ...(feedbackQueue ? { feedbackQueue } : {}) });

    for (const d of this.dlqs) this.monitoring.watchDlq(d.name, d.dlq);
    this.monitoring.addDashboard();
    this.addOutputs();
  }

  private groupOf(spec: FunctionSpec): NestedStack {
    const name = functionGroup(spec);
    let group = this.groups.get(name);
    if (!group) {
      group = new NestedStack(this, name, { description: `CRM ${this.settings.stage}: the ${name} functions and their triggers` });
      this.groups.set(name, group);
    }
    return group;
  }

  private buildFunction(spec: FunctionSpec, scope: Construct): CrmFunction {
    const { bus, identityKeySecret } = this.stateful;
    const fn = new CrmFunction(scope, pascal(spec.name), {
      spec,
      stage: this.settings.stage,
      defaultPhoneRegion: this.settings.defaultPhoneRegion,
      eventBusName: bus.eventBusName,
      identityKeySecret,
    }).bindTable(this.table, spec.table, spec.scans === true);
    this.functions.set(spec.name, fn);
    this.monitoring.watchFunction(fn);
    return fn;
  }

  private wireConsumer(spec: FunctionSpec, consumer: ConsumerSpec, fn: CrmFunction, scope: Construct): void {
    const c = new EventConsumer(scope, `${pascal(spec.name)}Consumer`, {
      fn,
      consumer,
      bus: this.stateful.bus,
      key: this.stateful.key,
      namePrefix: this.resourceName(spec),
    });
    this.dlqs.push({ name: spec.name, dlq: c.dlq, source: { kind: 'Queue', arn: c.queue.queueArn } });
  }

  /** One queue + DLQ per work queue named in the wiring, sized by its one consumer's spec. */
  private buildWorkQueues(wiring: readonly FunctionSpec[]): void {
    for (const spec of wiring) {
      if (!spec.queue) continue;
      const { name } = spec.queue;
      if (this.workQueues.has(name)) throw new Error(`work queue ${name} has two consumers; a work queue has exactly one`);
      const q = new WorkQueue(this, `${pascal(name)}WorkQueue`, { spec: spec.queue, key: this.stateful.key, namePrefix: `crm-${this.settings.stage}-${name}` });
      this.workQueues.set(name, q);
      this.dlqs.push({ name, dlq: q.dlq, source: { kind: 'Queue', arn: q.queue.queueArn } });
    }
  }

  /** Producers only: SendMessage on that one queue (and its key), and the queue URL in QUEUE_URL_<NAME>. */
  private allowSend(spec: FunctionSpec, name: QueueName, fn: CrmFunction): void {
    const q = this.workQueues.get(name);
    if (!q) throw new Error(`${spec.name} sends to work queue ${name}, which no function in the wiring consumes`);
    q.allowSend(fn, queueUrlEnv(name));
    Validations.of(fn).acknowledge(
      ...['kms:GenerateDataKey*', 'kms:ReEncrypt*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `Sending to the ${name} queue, encrypted with the customer-managed key, needs data keys from it; the grant is scoped to that one key ARN.`,
      })),
    );
  }

  // Users administration (issue 7)
  /** Users functions only: exactly the Cognito admin actions they call, on the one user pool, and its id in CRM_USER_POOL_ID. */
  private bindUserDirectory(fn: CrmFunction, actions: NonNullable<FunctionSpec['directory']>): void {
    const { userPool } = this.stateful;
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: actions.map((a) => `cognito-idp:${a}`), resources: [userPool.userPoolArn] }));
    fn.addEnvironment('CRM_USER_POOL_ID', userPool.userPoolId);
  }

  // Per-client throttling (issue 7)
  /**
   * A function whose route a machine client can reach counts the client's requests (one UpdateItem
   * on its rate counter) and reads the default limit from CRM_INTEGRATION_RATE_PER_MINUTE. A
   * function with table write access needs nothing more; a read-only one gets exactly that write:
   * UpdateItem on the table, only on rate-counter partitions (`RATE_COUNTER_PREFIX`) (dynamodb:LeadingKeys), naming only the
   * counter's attributes (dynamodb:Attributes: the fixed ones and the per-second `s??`), returning
   * what it updated (and, on a refusal, the counter as it was). The table's
   * key: kms:Decrypt, which read access already grants, is what DynamoDB needs of the caller.
   */
  private allowRateCounter(fn: CrmFunction, spec: FunctionSpec): void {
    if (this.settings.integrationRatePerMinute) fn.addEnvironment('CRM_INTEGRATION_RATE_PER_MINUTE', String(this.settings.integrationRatePerMinute));
    if (spec.table === 'write') return;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'CountMachineClientRequests',
        actions: ['dynamodb:UpdateItem'],
        resources: [this.table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${RATE_COUNTER_PREFIX}*`], 'dynamodb:Attributes': [...RATE_COUNTER_ATTRIBUTES] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_NEW'] },
        },
      }),
    );
  }

  /** Webhook receivers only: read the signing secrets (through the secrets extension). */
  private bindWebhookSecrets(fn: CrmFunction): void {
    const secret = this.stateful.webhookSecrets;
    secret.grantRead(fn);
    fn.addEnvironment('CRM_WEBHOOK_SECRETS_ARN', secret.secretArn);
  }

  /**
   * Functions that touch import uploads or export files: exactly the S3 actions their access needs
   * on their one prefix (read: GetObject, and ListBucket on that prefix so a missing file is a 404;
   * write: PutObject, and DeleteObject where `delete` is declared), the data key for those objects,
   * and the bucket name in CRM_BLOB_BUCKET.
   */
  private bindBlobs(fn: CrmFunction, blobs: BlobAccess): void {
    const { key } = this.stateful;
    // By its fixed name, as the table is: the grant and its nag acknowledgement name the same ARN.
    const bucketName = transferBucketName(this.settings.stage, this.account, this.region);
    const bucketArn = `arn:${this.partition}:s3:::${bucketName}`;
    const objects = `${bucketArn}/${blobs.prefix}/*`;
    if (blobs.access === 'read') {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucketArn], conditions: { StringLike: { 's3:prefix': [`${blobs.prefix}/*`] } } }));
      key.grantDecrypt(fn);
    } else {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: blobs.delete ? ['s3:PutObject', 's3:DeleteObject'] : ['s3:PutObject'], resources: [objects] }));
      key.grant(fn, 'kms:GenerateDataKey');
    }
    fn.addEnvironment('CRM_BLOB_BUCKET', bucketName);
    Validations.of(fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(fn).resolve(objects))}]`,
      reason: `Object keys are <prefix>/<job id>/file with a new job id per job; the grant covers only the ${blobs.prefix}/ prefix of the one transfer bucket.`,
    });
  }

  /** The stream relay: the records its wiring filters match, retried in halves, then parked. */
  private wireStream(spec: FunctionSpec, stream: NonNullable<FunctionSpec['stream']>, fn: CrmFunction, scope: Construct): void {
    const { table } = this;
    const { key } = this.stateful;
    const dlq = deadLetterQueue(scope, `${pascal(spec.name)}Dlq`, `${this.resourceName(spec)}-dlq`, key);
    fn.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: stream.batchSize,
        retryAttempts: stream.maxRetries,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(dlq),
        filters: stream.filters.map((f) =>
          lambda.FilterCriteria.filter({
            eventName: f.events.length === 1 ? lambda.FilterRule.isEqual(f.events[0]!) : lambda.FilterRule.or(...f.events),
            dynamodb: { [f.image]: Object.fromEntries(Object.entries(f.match).map(([k, v]) => [k, { S: typeof v === 'string' ? lambda.FilterRule.isEqual(v) : lambda.FilterRule.or(...v) }])) },
          }),
        ),
      }),
    );
    this.dlqs.push({ name: spec.name, dlq, source: { kind: 'Stream', arn: this.stateful.table.tableStreamArn! } });
    Validations.of(fn).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Reading the table stream needs dynamodb:ListStreams, which has no resource-level permissions.' },
      ...['kms:GenerateDataKey*', 'kms:ReEncrypt*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: 'Sending failed-batch records to its DLQ encrypted with the customer-managed key; scoped to that one key ARN.',
      })),
    );
    Validations.of(dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter destination (the stream event source on-failure destination); it has no DLQ of its own.',
    });
  }

  private wireSchedule(spec: FunctionSpec, schedule: NonNullable<FunctionSpec['schedule']>, fn: CrmFunction, scope: Construct): void {
    const dlq = deadLetterQueue(scope, `${pascal(spec.name)}Dlq`, `${this.resourceName(spec)}-dlq`, this.stateful.key);
    new events.Rule(scope, `${pascal(spec.name)}Schedule`, {
      description: schedule.atUtc ? `Runs ${spec.name} daily at ${schedule.atUtc} UTC` : `Runs ${spec.name} every ${schedule.everyMinutes} minutes`,
      schedule: schedule.atUtc
        ? events.Schedule.cron({ hour: String(Number(schedule.atUtc.slice(0, 2))), minute: String(Number(schedule.atUtc.slice(3, 5))) })
        : events.Schedule.rate(Duration.minutes(schedule.everyMinutes)),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: TARGET_RETRY_ATTEMPTS, deadLetterQueue: dlq })],
    });
    this.dlqs.push({ name: spec.name, dlq, source: { kind: 'Function', arn: fn.functionArn } });
    Validations.of(dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter destination (the schedule rule target DLQ); it has no DLQ of its own.',
    });
  }

  private resourceName(spec: FunctionSpec): string {
    return `crm-${this.settings.stage}-${spec.name}`;
  }

  private addOutputs(): void {
    const { userPool, userPoolClient } = this.stateful;
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId, description: 'Cognito user pool (JWT issuer)' });
    new CfnOutput(this, 'UserPoolClientId', { value: userPoolClient.userPoolClientId, description: 'App client id (JWT audience)' });
    for (const { name: raw, dlq, source } of this.dlqs) {
      const name = pascal(raw);
      new CfnOutput(this, `Dlq${name}Url`, { value: dlq.queueUrl, description: `Dead-letter queue of ${raw}` });
      const replay = {
        Queue: 'replay: send each message body back to this queue',
        Function: 'replay: invoke this function with each message body as the event',
        Stream: 'messages are stream batch pointers (shard, sequence numbers), not events: re-drive from the table stream within its 24 h retention',
      }[source.kind];
      new CfnOutput(this, `Dlq${name}Source${source.kind}Arn`, { value: source.arn, description: `What feeds the ${raw} DLQ; ${replay}` });
    }
  }
}
