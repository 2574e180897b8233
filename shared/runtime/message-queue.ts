/**
 * The port for plain work queues that functions feed directly (not through the event bus): a
 * webhook receiver sends the raw delivery to the `ingest` queue; starting an import job sends it
 * to the `import` queue (and each chunk the next), asking for an export to the `export` queue; a
 * job over many customers (backfill, rescore, bulk tags) sends a step per part to `jobs`. The wiring table names the
 * consumer of each queue (`queue`) and its producers (`sendsTo`); CDK creates one SQS queue + DLQ
 * per name and gives producers `QUEUE_URL_<NAME>`, the local runtime a LocalQueue per name.
 * The SQS adapter lives in ./sqs-message-queue.ts, imported only by functions that send.
 */
// Messaging (issue 6) added 'message-feedback': provider feedback (SES and SMS events, inbound texts) from the feedback SNS topic.
// Analytics (issue 9) added 'analytics': snapshot and lake-export runs asked for through the API (one run per message).
export const QUEUE_NAMES = ['ingest', 'import', 'export', 'timers', 'jobs', 'message-feedback', 'privacy', 'analytics'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface SendOptions {
  /** Messages of one group (e.g. one shop) are spread fairly against other groups (SQS fair queues). */
  groupId?: string;
  /** Held back this many seconds before it can be received (0-900, SQS DelaySeconds): timers. */
  delaySeconds?: number;
}

export interface MessageQueue {
  send(queue: QueueName, body: string, opts?: SendOptions): Promise<void>;
}

/** The environment variable that holds a queue's URL in a producing function (`QUEUE_URL_INGEST`). */
export const queueUrlEnv = (queue: QueueName) => `QUEUE_URL_${queue.toUpperCase().replace(/-/g, '_')}`;

/** Largest SQS message (1 MiB): a bigger one is refused by SendMessage, so producers check first. */
export const MAX_MESSAGE_BYTES = 1_048_576;
