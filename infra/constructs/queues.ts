import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../shared/events/envelope';
import type { ConsumerSpec, WorkQueueSpec } from '../wiring';
import type { CrmFunction } from './crm-function';

/** How long a dead letter waits for someone to look at it and replay it. */
export const DLQ_RETENTION = Duration.days(14);
/** Retries EventBridge makes when it cannot deliver to a target, before its dead-letter queue. */
export const TARGET_RETRY_ATTEMPTS = 2;

/** Largest SQS message (1 MiB): work queues carry raw webhook bodies, and their DLQs must hold them too. */
export const MAX_MESSAGE_SIZE_BYTES = 1_048_576;

/** A dead-letter queue: encrypted with the data key, TLS only, kept 14 days. */
export function deadLetterQueue(scope: Construct, id: string, queueName: string, key: kms.IKey, maxMessageSizeBytes?: number): sqs.Queue {
  return new sqs.Queue(scope, id, {
    queueName,
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    retentionPeriod: DLQ_RETENTION,
    enforceSSL: true,
    ...(maxMessageSizeBytes ? { maxMessageSizeBytes } : {}),
  });
}

export interface EventConsumerProps {
  fn: CrmFunction;
  consumer: ConsumerSpec;
  bus: events.IEventBus;
  key: kms.IKey;
  /** Queue names are `<prefix>` and `<prefix>-dlq`. */
  namePrefix: string;
}

/**
 * One consumer's delivery path: bus rule (its event types) → its own queue → the function, with
 * partial batch failures; a message that keeps failing moves to the consumer's DLQ after
 * `maxReceiveCount` receives. Events the rule cannot deliver to the queue land in the same DLQ,
 * so both kinds replay the same way: send the message body back to the source queue.
 */
export class EventConsumer extends Construct {
  readonly queue: sqs.Queue;
  readonly dlq: sqs.Queue;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: EventConsumerProps) {
    super(scope, id);
    const { fn, consumer, key } = props;

    this.dlq = deadLetterQueue(this, 'Dlq', `${props.namePrefix}-dlq`, key);
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: props.namePrefix,
      visibilityTimeout: Duration.seconds(consumer.visibilityTimeoutSeconds),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: consumer.maxReceiveCount },
    });

    this.rule = new events.Rule(this, 'Rule', {
      eventBus: props.bus,
      description: `${fn.spec.name} consumes ${consumer.events.join(', ')}`,
      eventPattern: { source: [EVENT_SOURCE], detailType: [...consumer.events] },
      targets: [
        new targets.SqsQueue(this.queue, {
          deadLetterQueue: this.dlq,
          retryAttempts: TARGET_RETRY_ATTEMPTS,
        }),
      ],
    });

    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: consumer.batchSize,
        reportBatchItemFailures: true,
      }),
    );
  }
}

export interface WorkQueueProps {
  spec: WorkQueueSpec;
  key: kms.IKey;
  /** Queue names are `<prefix>` and `<prefix>-dlq`. */
  namePrefix: string;
}

/**
 * A plain work queue fed by functions (not by the bus), e.g. the ingest queue the webhook
 * receivers send raw deliveries to: encrypted with the data key, 1 MiB messages, and a DLQ after
 * `maxReceiveCount` receives. `consumeWith` attaches its one consumer with partial batch
 * failures; `allowSend` grants a producer SendMessage and sets `envName` to the queue URL.
 */
export class WorkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly dlq: sqs.Queue;
  private readonly spec: WorkQueueSpec;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    const { spec, key } = props;
    this.spec = spec;
    this.dlq = deadLetterQueue(this, 'Dlq', `${props.namePrefix}-dlq`, key, MAX_MESSAGE_SIZE_BYTES);
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: props.namePrefix,
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: spec.maxReceiveCount },
    });
  }

  consumeWith(fn: CrmFunction): void {
    fn.addEventSource(new SqsEventSource(this.queue, { batchSize: this.spec.batchSize, reportBatchItemFailures: true, ...(this.spec.maxConcurrency ? { maxConcurrency: this.spec.maxConcurrency } : {}) }));
  }

  allowSend(fn: CrmFunction, envName: string): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment(envName, this.queue.queueUrl);
  }
}
