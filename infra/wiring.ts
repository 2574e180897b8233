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
import * as jobs from '../shared/api/jobs';
import * as segments from '../shared/api/segments';
import * as settings from '../shared/api/settings';
import * as tags from '../shared/api/tags';
import * as tickets from '../shared/api/tickets';
import * as agents from '../shared/api/agents';
import * as sla from '../shared/api/sla';
import * as tasks from '../shared/api/tasks';
import * as me from '../shared/api/me';
import * as surveys from '../shared/api/surveys';
import * as serviceReports from '../shared/api/service-reports';
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
  prefix: 'imports' | 'exports' | 'attachments';
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
  // Segments, tags and value settings (issue 4): writes that start a job send its first steps to the jobs queue.
  http('segments-create', 'segments/create', segments.createSegment, 'write', { sendsTo: ['jobs'] }),
  http('segments-list', 'segments/list', segments.listSegments, 'read'),
  http('segments-get', 'segments/get', segments.getSegment, 'read'),
  http('segments-update', 'segments/update', segments.updateSegment, 'write', { sendsTo: ['jobs'] }),
  http('segments-delete', 'segments/delete', segments.deleteSegment, 'write', { sendsTo: ['jobs'] }),
  // The one request path that scans (bounded by time and items read, see shared/usecases/segmentation/preview.ts).
  http('segments-preview', 'segments/preview', segments.previewSegment, 'read', { memoryMb: 1024, timeoutSeconds: 29 }),
  http('segments-members', 'segments/members', segments.listSegmentMembers, 'read'),
  http('segments-count', 'segments/count', segments.countSegment, 'read'),
  http('tags-create', 'tags/create', tags.createTag, 'write', { sendsTo: ['jobs'] }),
  http('tags-list', 'tags/list', tags.listTags, 'read'),
  http('tags-get', 'tags/get', tags.getTag, 'read'),
  http('tags-update', 'tags/update', tags.updateTag, 'write', { sendsTo: ['jobs'] }),
  http('tags-delete', 'tags/delete', tags.deleteTag, 'write', { sendsTo: ['jobs'] }),
  http('tag-jobs-create', 'tags/create-job', tags.createTagJob, 'write', { sendsTo: ['jobs'] }),
  http('customers-tags', 'customers/tags', tags.changeCustomerTags, 'write'),
  http('jobs-get', 'jobs/get', jobs.getJob, 'read'),
  http('settings-get', 'settings/get', settings.getValueSettings, 'read'),
  http('settings-put', 'settings/put', settings.putValueSettings, 'write', { sendsTo: ['jobs'] }),
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
  { name: 'value-models', entry: 'functions/schedules/value-models.ts', schedule: { everyMinutes: 1440 }, table: 'write', sendsTo: ['jobs'], timeoutSeconds: 900, memoryMb: 1024 },
  {
    name: 'abandon-checkouts',
    entry: 'functions/schedules/abandon-checkouts.ts',
    schedule: { everyMinutes: 1 },
    table: 'write',
    timeoutSeconds: 60,
  },
  // Jobs over many customers (backfills, rescores, bulk tags, clean-ups): one step of one part per
  // message, each step queues the next; a backfill's 16 parts are 16 Scan segments run side by side.
  {
    name: 'jobs',
    entry: 'functions/workers/jobs.ts',
    queue: { name: 'jobs', batchSize: 1, maxReceiveCount: 5, visibilityTimeoutSeconds: 960, maxConcurrency: 16 },
    sendsTo: ['jobs', 'timers'],
    table: 'write',
    memoryMb: 1024,
    timeoutSeconds: 900,
  },
  // ---- Service desk (issue 5): tickets, agents and groups, SLA policies, tasks, surveys, reports
  http('tickets-create', 'tickets/create', tickets.createTicket, 'write'),
  http('tickets-list', 'tickets/list', tickets.listTickets, 'read'),
  http('tickets-get', 'tickets/get', tickets.getTicket, 'read'),
  http('tickets-update', 'tickets/update', tickets.updateTicket, 'write'),
  http('tickets-assign', 'tickets/assign', tickets.assignTicket, 'write'),
  http('tickets-transfer', 'tickets/transfer', tickets.transferTicket, 'write'),
  http('tickets-collaborators', 'tickets/collaborators', tickets.setTicketCollaborators, 'write'),
  http('tickets-comment', 'tickets/add-comment', tickets.addTicketComment, 'write'),
  http('tickets-comments', 'tickets/list-comments', tickets.listTicketComments, 'read'),
  http('tickets-history', 'tickets/history', tickets.getTicketHistory, 'read'),
  http('tickets-complaint', 'tickets/complaint', tickets.recordComplaintStep, 'write'),
  http('tickets-follow-up', 'tickets/follow-up', tickets.createFollowUpTicket, 'write'),
  http('attachments-create', 'tickets/attachments-create', tickets.createTicketAttachment, 'write', { blobs: { prefix: 'attachments', access: 'write' } }),
  http('attachments-complete', 'tickets/attachments-complete', tickets.completeTicketAttachment, 'write', { blobs: { prefix: 'attachments', access: 'read' } }),
  http('attachments-get', 'tickets/attachments-get', tickets.getTicketAttachment, 'read', { blobs: { prefix: 'attachments', access: 'read' } }),
  http('agents-put', 'agents/put', agents.putAgent, 'write'),
  http('agents-get', 'agents/get', agents.getAgent, 'read'),
  http('agents-list', 'agents/list', agents.listAgents, 'read'),
  http('groups-create', 'agents/groups-create', agents.createGroup, 'write'),
  http('groups-update', 'agents/groups-update', agents.updateGroup, 'write'),
  http('groups-get', 'agents/groups-get', agents.getGroup, 'read'),
  http('groups-list', 'agents/groups-list', agents.listGroups, 'read'),
  http('sla-policies-create', 'sla/create', sla.createSlaPolicy, 'write'),
  http('sla-policies-list', 'sla/list', sla.listSlaPolicies, 'read'),
  http('sla-policies-get', 'sla/get', sla.getSlaPolicy, 'read'),
  http('sla-policies-replace', 'sla/replace', sla.replaceSlaPolicy, 'write'),
  http('sla-policies-delete', 'sla/delete', sla.deleteSlaPolicy, 'write'),
  http('service-settings-get', 'sla/settings-get', sla.getServiceSettings, 'read'),
  http('service-settings-update', 'sla/settings-update', sla.updateServiceSettings, 'write'),
  http('tasks-create', 'tasks/create', tasks.createTask, 'write'),
  http('tasks-get', 'tasks/get', tasks.getTask, 'read'),
  http('tasks-update', 'tasks/update', tasks.updateTask, 'write'),
  http('tasks-list', 'tasks/list', tasks.listTasks, 'read'),
  http('cadence-rules-create', 'tasks/cadences-create', tasks.createCadenceRule, 'write', { sendsTo: ['timers'] }),
  http('cadence-rules-list', 'tasks/cadences-list', tasks.listCadenceRules, 'read'),
  http('cadence-rules-replace', 'tasks/cadences-replace', tasks.replaceCadenceRule, 'write', { sendsTo: ['timers'] }),
  http('me-tasks', 'me/tasks', me.myTasks, 'read'),
  http('me-notifications', 'me/notifications', me.myNotifications, 'read'),
  http('me-notification-read', 'me/read-notification', me.readNotification, 'write'),
  http('me-duty', 'me/duty', me.setMyDuty, 'write'),
  http('surveys-open', 'surveys/open', surveys.openSurvey, 'read'),
  http('surveys-answer', 'surveys/answer', surveys.answerSurvey, 'write'),
  http('surveys-send', 'surveys/send', surveys.sendSurveys, 'write'),
  http('reports-service', 'reports/service', serviceReports.serviceReport, 'read'),
  // After every ticket event: SLA, auto-close and survey timers; complaint interactions, bad ratings, merges.
  {
    name: 'service-desk',
    entry: 'functions/workers/service-desk.ts',
    consumer: {
      events: ['TicketCreated', 'TicketUpdated', 'TicketStatusChanged', 'TicketAssigned', 'TicketCommented', 'SlaWarning', 'SlaBreached', 'InteractionLogged', 'SurveyAnswered', 'CustomerMerged', 'CustomerUnmerged'],
      batchSize: 10,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 60,
    },
    sendsTo: ['timers'],
    table: 'write',
    timeoutSeconds: 30,
  },
  // Task reminder timers (before, at and after the due time) after every task event.
  {
    name: 'task-reminders',
    entry: 'functions/workers/task-reminders.ts',
    consumer: { events: ['TaskCreated', 'TaskUpdated'], batchSize: 10, maxReceiveCount: 5, visibilityTimeoutSeconds: 60, maxConcurrency: 4 },
    sendsTo: ['timers'],
    table: 'write',
    timeoutSeconds: 30,
  },
  // Care cadences: new leads, orders, birthdays and renewal dates become timed tasks or messages.
  {
    name: 'care-cadences',
    entry: 'functions/workers/care-cadences.ts',
    consumer: { events: ['CustomerCreated', 'CustomerUpdated', 'CustomerRestored', 'OrderPlaced'], batchSize: 10, maxReceiveCount: 5, visibilityTimeoutSeconds: 60 },
    sendsTo: ['timers'],
    table: 'write',
    timeoutSeconds: 30,
  },
];

export const httpFunctions = () => WIRING.filter((f): f is FunctionSpec & { http: RouteContract } => !!f.http);
export const consumerFunctions = () => WIRING.filter((f): f is FunctionSpec & { consumer: ConsumerSpec } => !!f.consumer);
export const queueFunctions = () => WIRING.filter((f): f is FunctionSpec & { queue: WorkQueueSpec } => !!f.queue);
