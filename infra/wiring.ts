/**
 * The one wiring table. Every function is declared here once, with its triggers: the HTTP route
 * (a contract, which carries the permission and schemas), the event types it consumes, a work
 * queue fed by other functions, the table stream, or a schedule. The CDK stateless stack and the local runtime are both built from it,
 * and test/infra/wiring.test.ts proves every handler file is wired and every route synthesized.
 */
import type { RouteContract } from '../shared/api/contract';
import * as activity from '../shared/api/customer-activity';
import * as customers from '../shared/api/customers';
import * as merges from '../shared/api/merges';
import * as transfers from '../shared/api/transfers';
import * as webhooks from '../shared/api/webhooks';
import type { EventType } from '../shared/events/catalog';
import type { QueueName } from '../shared/runtime/message-queue';

export interface ConsumerSpec {
  events: readonly EventType[];
  /** Messages per invocation (SQS batch size). */
  batchSize: number;
  /** Deliveries before a message goes to the DLQ. */
  maxReceiveCount: number;
  /** Visibility timeout in seconds: a failed message is retried after it. */
  visibilityTimeoutSeconds: number;
  /** Batches handled at once: SQS event source maximum concurrency in AWS (2-1000), local queue concurrency. Default 2 locally, Lambda's scaling in AWS. */
  maxConcurrency?: number;
}

/** A plain work queue (not fed by the bus): functions that list it in `sendsTo` put messages on it. */
export interface WorkQueueSpec {
  name: QueueName;
  batchSize: number;
  maxReceiveCount: number;
  visibilityTimeoutSeconds: number;
  /** Batches handled at once: SQS event source maximum concurrency in AWS (2-1000), local queue concurrency. Default 2 locally, Lambda's scaling in AWS. */
  maxConcurrency?: number;
}

/**
 * Access to the transfer bucket (S3) or folder (local), limited to one prefix: `read` (HEAD/GET,
 * presigned GET), `write` (PUT, presigned PUT). The function gets CRM_BLOB_BUCKET.
 */
export interface BlobAccess {
  prefix: 'imports' | 'exports';
  access: 'read' | 'write';
}

/** Secrets a function may read besides the identity key (least privilege: granted per spec). */
export type SecretName = 'webhooks';

/**
 * Which table stream records a stream consumer gets: one of the filters matches when the record's
 * event is listed and every attribute of `match` has that string value in the named image. The
 * CDK stack turns these into the event source's filter criteria; the local poller applies them.
 */
export interface StreamFilter {
  events: readonly ('INSERT' | 'MODIFY' | 'REMOVE')[];
  image: 'NewImage' | 'OldImage';
  /** Attribute → the string value it must have, or one of several. */
  match: Readonly<Record<string, string | readonly string[]>>;
}

export function streamRecordMatches(filters: readonly StreamFilter[], r: { eventName?: string; dynamodb?: { NewImage?: unknown; OldImage?: unknown } }): boolean {
  return filters.some((f) => {
    if (!f.events.includes(r.eventName as 'INSERT')) return false;
    const image = r.dynamodb?.[f.image] as Record<string, { S?: string }> | undefined;
    return !!image && Object.entries(f.match).every(([k, v]) => (typeof v === 'string' ? [v] : v).includes(image[k]?.S as string));
  });
}

export interface FunctionSpec {
  /** Logical name, kebab-case; the Lambda, queue and alarm names derive from it. */
  name: string;
  /** Handler file relative to the repository root; it exports `handler`. */
  entry: string;
  http?: RouteContract;
  consumer?: ConsumerSpec;
  /** Consumes this work queue (its one consumer): SQS + DLQ in AWS, a LocalQueue locally. */
  queue?: WorkQueueSpec;
  /** Work queues it sends to: SendMessage on them and `QUEUE_URL_<NAME>` in its environment. */
  sendsTo?: readonly QueueName[];
  /** Import uploads / export files it touches (see BlobAccess). */
  blobs?: BlobAccess;
  /** Extra secrets it reads (`webhooks`: CRM_WEBHOOK_SECRETS_ARN). */
  secrets?: readonly SecretName[];
  /** Reads the table's stream: the records its filters match. */
  stream?: { batchSize: number; maxRetries: number; filters: readonly StreamFilter[] };
  schedule?: { everyMinutes: number };
  /** Table access the function gets (least privilege). */
  table: 'read' | 'write';
  /** Publishes to the event bus (only the outbox relay). */
  publishes?: boolean;
  memoryMb?: number;
  timeoutSeconds?: number;
}

const http = (name: string, entry: string, contract: RouteContract, table: 'read' | 'write', extra: Partial<FunctionSpec> = {}): FunctionSpec => ({
  name,
  entry: `functions/http/${entry}.ts`,
  http: contract,
  table,
  ...extra,
});

/** A webhook receiver: a public route that verifies the signature and queues the raw delivery. */
const webhook = (name: string, entry: string, contract: RouteContract): FunctionSpec => ({
  name,
  entry: `functions/webhooks/${entry}.ts`,
  http: contract,
  table: 'read',
  sendsTo: ['ingest'],
  secrets: ['webhooks'],
});

export const WIRING: readonly FunctionSpec[] = [
  http('customers-create', 'customers/create', customers.createCustomer, 'write'),
  http('customers-list', 'customers/list', customers.listCustomers, 'read'),
  http('customers-get', 'customers/get', customers.getCustomer, 'read'),
  http('customers-update', 'customers/update', customers.updateCustomer, 'write'),
  http('customers-delete', 'customers/delete', customers.deleteCustomer, 'write'),
  http('customers-restore', 'customers/restore', customers.restoreCustomer, 'write'),
  http('recycle-bin-list', 'customers/list-recycle-bin', customers.listRecycleBin, 'read'),
  http('customers-360', 'customers/view-360', activity.getCustomer360, 'read'),
  http('customers-timeline', 'customers/timeline', activity.getTimeline, 'read'),
  http('interactions-log', 'customers/log-interaction', activity.logInteraction, 'write'),
  http('customers-merge', 'customers/merge', merges.mergeCustomers, 'write'),
  http('customers-unmerge', 'customers/unmerge', merges.unmergeCustomers, 'write'),
  http('customers-merges', 'customers/list-merges', merges.listMerges, 'read'),
  http('duplicates-list', 'duplicates/list', merges.listDuplicates, 'read'),
  http('duplicates-dismiss', 'duplicates/dismiss', merges.dismissDuplicate, 'write'),
  http('imports-create', 'imports/create', transfers.createImport, 'write', { blobs: { prefix: 'imports', access: 'write' } }),
  http('imports-start', 'imports/start', transfers.startImport, 'write', { blobs: { prefix: 'imports', access: 'read' }, sendsTo: ['import'] }),
  http('imports-get', 'imports/get', transfers.getImport, 'read'),
  http('imports-errors', 'imports/errors', transfers.getImportErrors, 'read'),
  http('exports-create', 'exports/create', transfers.createExport, 'write', { sendsTo: ['export'] }),
  http('exports-get', 'exports/get', transfers.getExport, 'read', { blobs: { prefix: 'exports', access: 'read' } }),
  webhook('webhooks-shopify', 'shopify', webhooks.shopifyWebhook),
  webhook('webhooks-woocommerce', 'woocommerce', webhooks.wooCommerceWebhook),
  webhook('webhooks-generic', 'generic', webhooks.genericWebhook),
  {
    name: 'outbox-relay',
    entry: 'functions/workers/outbox-relay.ts',
    stream: {
      batchSize: 100,
      maxRetries: 10,
      filters: [
        { events: ['INSERT'], image: 'NewImage', match: { entity: 'event' } },
        { events: ['INSERT', 'MODIFY'], image: 'NewImage', match: { entity: ['order', 'timeline', 'customer'] } },
        { events: ['REMOVE'], image: 'OldImage', match: { entity: ['order', 'timeline', 'customer'] } },
      ],
    },
    // Writes the customer aggregates the order and activity projections keep.
    table: 'write',
    publishes: true,
  },
  {
    name: 'duplicate-detector',
    entry: 'functions/workers/duplicate-detector.ts',
    consumer: {
      events: ['CustomerCreated', 'CustomerUpdated', 'CustomerRestored', 'CustomerUnmerged'],
      batchSize: 10,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 60,
    },
    table: 'write',
  },
  {
    name: 'segmentation',
    entry: 'functions/workers/segmentation.ts',
    consumer: {
      events: ['CustomerCreated', 'CustomerUpdated', 'CustomerUpserted', 'CustomerDeleted', 'CustomerRestored', 'CustomerMerged', 'CustomerUnmerged', 'OrderPlaced', 'OrderUpdated', 'OrderRefunded', 'InteractionLogged', 'CheckoutAbandoned'],
      batchSize: 10,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 60,
      maxConcurrency: 8,
    },
    table: 'write',
    sendsTo: ['timers'],
  },
  { name: 'ingest', entry: 'functions/workers/ingest.ts', queue: { name: 'ingest', batchSize: 10, maxReceiveCount: 5, visibilityTimeoutSeconds: 60, maxConcurrency: 8 }, table: 'write' },
  // One import step (a chunk of 500 rows from the job's checkpoint) per message; each step queues the next.
  {
    name: 'import',
    entry: 'functions/workers/import.ts',
    queue: { name: 'import', batchSize: 1, maxReceiveCount: 5, visibilityTimeoutSeconds: 360 },
    sendsTo: ['import'],
    blobs: { prefix: 'imports', access: 'read' },
    table: 'write',
    memoryMb: 1024,
    timeoutSeconds: 300,
  },
  {
    name: 'export',
    entry: 'functions/workers/export.ts',
    queue: { name: 'export', batchSize: 1, maxReceiveCount: 3, visibilityTimeoutSeconds: 960 },
    blobs: { prefix: 'exports', access: 'write' },
    table: 'write',
    memoryMb: 1024,
    timeoutSeconds: 900,
  },
  {
    name: 'purge-recycle-bin',
    entry: 'functions/schedules/purge-recycle-bin.ts',
    schedule: { everyMinutes: 60 },
    table: 'write',
    timeoutSeconds: 300,
  },
  // Timers (reminders, SLA deadlines, membership flips): the sweep queues each with a delay to its second.
  { name: 'timers', entry: 'functions/workers/timers.ts', queue: { name: 'timers', batchSize: 10, maxReceiveCount: 5, visibilityTimeoutSeconds: 60, maxConcurrency: 8 }, table: 'write', sendsTo: ['timers'] },
  { name: 'sweep-timers', entry: 'functions/schedules/sweep-timers.ts', schedule: { everyMinutes: 1 }, table: 'write', sendsTo: ['timers'], timeoutSeconds: 60 },
  // RFM cuts and the BG/NBD + Gamma-Gamma fit over every buyer, once a day (a Scan of the aggregates).
  { name: 'value-models', entry: 'functions/schedules/value-models.ts', schedule: { everyMinutes: 1440 }, table: 'write', timeoutSeconds: 900, memoryMb: 1024 },
  {
    name: 'abandon-checkouts',
    entry: 'functions/schedules/abandon-checkouts.ts',
    schedule: { everyMinutes: 1 },
    table: 'write',
    timeoutSeconds: 60,
  },
];

export const httpFunctions = () => WIRING.filter((f): f is FunctionSpec & { http: RouteContract } => !!f.http);
export const consumerFunctions = () => WIRING.filter((f): f is FunctionSpec & { consumer: ConsumerSpec } => !!f.consumer);
export const queueFunctions = () => WIRING.filter((f): f is FunctionSpec & { queue: WorkQueueSpec } => !!f.queue);
