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
// Messaging (issue 6)
import * as templates from '../shared/api/templates';
import * as messaging from '../shared/api/messaging';
import * as audit from '../shared/api/audit';
import * as privacy from '../shared/api/privacy';
// Users and integration clients (issue 7)
import * as users from '../shared/api/users';
// Journeys (issue 6)
import * as journeys from '../shared/api/journeys';
import { JOURNEY_EVENT_TYPES } from '../shared/usecases/journeys/event-fields';
// Sales pipeline (issue 8)
import * as leads from '../shared/api/leads';
import * as opportunities from '../shared/api/opportunities';
import * as quotes from '../shared/api/quotes';
import * as contracts from '../shared/api/contracts';
import * as collections from '../shared/api/collections';
import * as pipeline from '../shared/api/pipeline';
import { SALES_CONSUMES } from '../shared/usecases/sales/sales-events';
// Campaigns (issue 6)
import * as campaigns from '../shared/api/campaigns';
import * as coupons from '../shared/api/coupons';
import { CAMPAIGN_CONSUMES } from '../shared/usecases/campaigns/event-types';
// Analytics (issue 9)
import * as reports from '../shared/api/reports';
import { COMMERCE_EVENTS, ENGAGEMENT_EVENTS } from '../shared/usecases/analytics/events';
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
  // Analytics (issue 9) added 'analytics': the lake export's gzip JSON-lines objects (no expiry rule on that prefix).
  prefix: 'imports' | 'exports' | 'attachments' | 'analytics';
  access: 'read' | 'write';
  /** DeleteObject too: only the function that runs erasures (they remove export files that hold the person, docs/privacy.md). */
  delete?: true;
}

/** Cognito admin API actions the users functions call (see shared/runtime/cognito-directory.ts). */
export type DirectoryAction =
  | 'AdminCreateUser'
  | 'AdminGetUser'
  | 'AdminAddUserToGroup'
  | 'AdminRemoveUserFromGroup'
  | 'AdminUpdateUserAttributes'
  | 'AdminDisableUser'
  | 'AdminEnableUser'
  | 'AdminUserGlobalSignOut';

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
  /** Every N minutes from deploy (start), or once a day at a fixed UTC time (`atUtc` 'HH:MM', with everyMinutes 1440). */
  schedule?: { everyMinutes: number; atUtc?: string };
  /** Table access the function gets (least privilege). */
  table: 'read' | 'write';
  /** Reads the whole table with Scan (backfills, model fits, previews): the only functions granted dynamodb:Scan. */
  scans?: boolean;
  /** Publishes to the event bus (only the outbox relay). */
  publishes?: boolean;
  // Messaging (issue 6)
  /** Sends messages to customers through the channel adapters: SES and SMS send rights, the channel environment and the webhook channel secret (infra/stacks/messaging-channels.ts). */
  channels?: boolean;
  // Users administration (issue 7)
  /** Cognito admin actions it calls on the one user pool (least privilege; CRM_USER_POOL_ID in its environment). */
  directory?: readonly DirectoryAction[];
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
  http('segments-preview', 'segments/preview', segments.previewSegment, 'read', { memoryMb: 1024, timeoutSeconds: 29, scans: true }),
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
  { name: 'value-models', entry: 'functions/schedules/value-models.ts', schedule: { everyMinutes: 1440 }, table: 'write', scans: true, sendsTo: ['jobs'], timeoutSeconds: 900, memoryMb: 1024 },
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
    scans: true,
    // Campaigns (issue 6): a campaign's deliveries are job steps, sent through the channel adapters.
    channels: true,
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
  // ---- Security and privacy (issue 7): the audit trail, revealing masked fields (audited routes write their record: table write)
  http('audit-list', 'audit/list', audit.listAudit, 'read'),
  http('customers-reveal', 'customers/reveal', audit.revealCustomerFields, 'write'),
  http('privacy-requests-create', 'privacy/create', privacy.createPrivacyRequest, 'write', { sendsTo: ['privacy'] }),
  http('privacy-requests-list', 'privacy/list', privacy.listPrivacyRequests, 'read'),
  http('privacy-requests-get', 'privacy/get', privacy.getPrivacyRequest, 'write', { blobs: { prefix: 'exports', access: 'read' } }),
  // Data-subject requests run one per message: an export writes its JSON file, an erasure blanks every section then the profile;
  // a shop erasure (Shopify's shop/redact) walks the customer lists and queues each customer's erasure (and its own continuation).
  { name: 'privacy', entry: 'functions/workers/privacy.ts', queue: { name: 'privacy', batchSize: 1, maxReceiveCount: 5, visibilityTimeoutSeconds: 960 }, blobs: { prefix: 'exports', access: 'write', delete: true }, table: 'write', sendsTo: ['privacy'], memoryMb: 1024, timeoutSeconds: 900 },
  { name: 'privacy-intake', entry: 'functions/workers/privacy-intake.ts', consumer: { events: ['PrivacyRequestReceived'], batchSize: 10, maxReceiveCount: 5, visibilityTimeoutSeconds: 60 }, sendsTo: ['privacy'], table: 'write' },
  // Users and integration clients (issue 7): the table is the authority, the user pool (AWS) mirrors it.
  http('users-invite', 'users/invite', users.inviteUser, 'write', { directory: ['AdminCreateUser', 'AdminGetUser', 'AdminAddUserToGroup', 'AdminRemoveUserFromGroup'] }),
  http('users-list', 'users/list', users.listUsers, 'read'),
  http('users-get', 'users/get', users.getUser, 'read'),
  http('users-update', 'users/update', users.updateUser, 'write', { directory: ['AdminAddUserToGroup', 'AdminRemoveUserFromGroup', 'AdminUpdateUserAttributes'] }),
  http('users-disable', 'users/disable', users.disableUser, 'write', { directory: ['AdminDisableUser', 'AdminUserGlobalSignOut'] }),
  http('users-enable', 'users/enable', users.enableUser, 'write', { directory: ['AdminEnableUser'] }),
  http('users-invitation', 'users/invitation', users.resendInvitation, 'write', { directory: ['AdminCreateUser'] }),
  http('integration-clients-put', 'integration-clients/put', users.putIntegrationClient, 'write'),
  http('integration-clients-get', 'integration-clients/get', users.getIntegrationClient, 'read'),
  http('integration-clients-list', 'integration-clients/list', users.listIntegrationClients, 'read'),
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
  // ---- Messaging (issue 6): templates, one-off sends, settings, suppressions, the dev outbox, tracking, feedback, attribution
  http('templates-create', 'templates/create', templates.createTemplate, 'write'),
  http('templates-list', 'templates/list', templates.listTemplates, 'read'),
  http('templates-get', 'templates/get', templates.getTemplate, 'read'),
  http('templates-update', 'templates/update', templates.updateTemplate, 'write'),
  http('templates-archive', 'templates/archive', templates.archiveTemplate, 'write'),
  http('templates-versions', 'templates/versions', templates.listTemplateVersions, 'read'),
  // A POST: its audit record (a render may show a real customer's data) is a table write.
  http('templates-render', 'templates/render', templates.renderTemplate, 'write'),
  http('messages-send', 'messaging/send', messaging.sendMessage, 'write', { sendsTo: ['timers'], channels: true, timeoutSeconds: 29 }),
  http('messages-get', 'messaging/get', messaging.getMessage, 'read'),
  http('customer-messages', 'messaging/customer-messages', messaging.listCustomerMessages, 'read'),
  http('messaging-stats', 'messaging/stats', messaging.getSourceStats, 'read'),
  http('messaging-settings-get', 'messaging/settings-get', messaging.getMessagingSettings, 'read'),
  http('messaging-settings-put', 'messaging/settings-put', messaging.putMessagingSettings, 'write'),
  http('suppressions-list', 'suppressions/list', messaging.listSuppressions, 'read'),
  http('suppressions-add', 'suppressions/add', messaging.addSuppression, 'write'),
  http('suppressions-remove', 'suppressions/remove', messaging.removeSuppression, 'write'),
  http('dev-outbox', 'dev/outbox', messaging.listDevOutbox, 'read'),
  http('dev-message-events', 'dev/simulate-event', messaging.simulateMessageEvent, 'write'),
  // Public: what a customer reaches from a message (the signed token is the permission).
  http('unsubscribe-page', 'tracking/unsubscribe-page', messaging.unsubscribePage, 'read'),
  http('unsubscribe', 'tracking/unsubscribe', messaging.unsubscribeOneClick, 'write'),
  http('track-open', 'tracking/open', messaging.trackOpen, 'write'),
  http('track-click', 'tracking/click', messaging.trackClick, 'write'),
  http('sms-inbound', 'messaging/sms-inbound', messaging.smsInbound, 'write', { channels: true }),
  // SES and SMS events and inbound texts, from the feedback SNS topic (AWS); the same use case as the simulated endpoint.
  { name: 'message-feedback', entry: 'functions/workers/message-feedback.ts', queue: { name: 'message-feedback', batchSize: 10, maxReceiveCount: 5, visibilityTimeoutSeconds: 60, maxConcurrency: 4 }, table: 'write', timeoutSeconds: 30 },
  // Orders attributed to the marketing message that brought them (counted once per order).
  { name: 'messaging-attribution', entry: 'functions/workers/messaging-attribution.ts', consumer: { events: ['OrderPlaced'], batchSize: 10, maxReceiveCount: 5, visibilityTimeoutSeconds: 60 }, table: 'write', timeoutSeconds: 30 },
  // ---- Journeys (issue 6): definitions, versions, lifecycle (publish/pause/resume/archive start timers), enrollments, stats, templates, webhook secrets
  http('journeys-create', 'journeys/create', journeys.createJourney, 'write'),
  http('journeys-list', 'journeys/list', journeys.listJourneys, 'read'),
  http('journeys-get', 'journeys/get', journeys.getJourney, 'read'),
  http('journeys-update', 'journeys/update', journeys.updateJourney, 'write'),
  http('journeys-validate', 'journeys/validate', journeys.validateJourney, 'write'), // reads only, but POST routes write their audit record
  http('journeys-publish', 'journeys/publish', journeys.publishJourney, 'write', { sendsTo: ['timers'] }),
  http('journeys-pause', 'journeys/pause', journeys.pauseJourney, 'write', { sendsTo: ['timers'] }),
  http('journeys-resume', 'journeys/resume', journeys.resumeJourney, 'write', { sendsTo: ['timers'] }),
  http('journeys-archive', 'journeys/archive', journeys.archiveJourney, 'write', { sendsTo: ['timers'] }),
  http('journeys-versions', 'journeys/versions', journeys.listJourneyVersions, 'read'),
  http('journeys-version-get', 'journeys/version-get', journeys.getJourneyVersion, 'read'),
  http('journeys-enrollments', 'journeys/enrollments', journeys.listJourneyEnrollments, 'read'),
  http('journeys-customer-enrollments', 'journeys/customer-enrollments', journeys.listCustomerEnrollments, 'read'),
  http('journeys-enrollment-get', 'journeys/enrollment-get', journeys.getEnrollment, 'read'),
  http('journeys-enrollment-exit', 'journeys/enrollment-exit', journeys.exitEnrollment, 'write'),
  http('journeys-stats', 'journeys/stats', journeys.journeyStats, 'read'),
  http('journey-templates-list', 'journeys/templates', journeys.listJourneyTemplates, 'read'),
  http('journey-secrets-put', 'journeys/secrets-put', journeys.putJourneySecret, 'write'),
  http('journey-secrets-list', 'journeys/secrets-list', journeys.listJourneySecrets, 'read'),
  http('journey-secrets-delete', 'journeys/secrets-delete', journeys.deleteJourneySecret, 'write'),
  // Events about a customer: enrollments (trigger index), goals, exit events, date-trigger timers; runs steps until a wait (sends messages).
  {
    name: 'journey-events',
    entry: 'functions/workers/journey-events.ts',
    consumer: { events: JOURNEY_EVENT_TYPES, batchSize: 10, maxReceiveCount: 5, visibilityTimeoutSeconds: 60, maxConcurrency: 4 },
    sendsTo: ['timers'],
    channels: true,
    table: 'write',
    timeoutSeconds: 30,
  },
  // ---- Sales pipeline (issue 8): leads and the public pool, opportunities, quotes, contracts, collections, settings, reports
  http('leads-create', 'leads/create', leads.createLead, 'write'),
  http('leads-intake', 'leads/intake', leads.intakeLead, 'write'),
  http('leads-list', 'leads/list', leads.listLeads, 'read'),
  http('leads-get', 'leads/get', leads.getLead, 'read'),
  http('leads-update', 'leads/update', leads.updateLead, 'write'),
  http('leads-claim', 'leads/claim', leads.claimLead, 'write'),
  http('leads-release', 'leads/release', leads.releaseLead, 'write'),
  http('leads-assign', 'leads/assign', leads.assignLead, 'write'),
  http('leads-follow-up', 'leads/follow-up', leads.addFollowUp, 'write'),
  http('leads-follow-ups', 'leads/follow-ups', leads.listFollowUps, 'read'),
  http('leads-history', 'leads/history', leads.leadHistory, 'read'),
  http('leads-convert', 'leads/convert', leads.convertLead, 'write'),
  http('leads-merge', 'leads/merge', leads.mergeLead, 'write'),
  http('opportunities-create', 'opportunities/create', opportunities.createOpportunity, 'write'),
  http('opportunities-list', 'opportunities/list', opportunities.listOpportunities, 'read'),
  http('opportunities-get', 'opportunities/get', opportunities.getOpportunity, 'read'),
  http('opportunities-update', 'opportunities/update', opportunities.updateOpportunity, 'write'),
  http('opportunities-stage', 'opportunities/stage', opportunities.moveOpportunityStage, 'write'),
  http('opportunities-history', 'opportunities/history', opportunities.opportunityHistory, 'read'),
  http('quotes-create', 'quotes/create', quotes.createQuote, 'write'),
  http('quotes-list', 'quotes/list', quotes.listQuotes, 'read'),
  http('quotes-get', 'quotes/get', quotes.getQuote, 'read'),
  http('quotes-update', 'quotes/update', quotes.updateQuote, 'write'),
  http('quotes-status', 'quotes/status', quotes.setQuoteStatus, 'write'),
  http('quotes-revise', 'quotes/revise', quotes.reviseQuote, 'write'),
  http('contracts-create', 'contracts/create', contracts.createContract, 'write'),
  http('contracts-list', 'contracts/list', contracts.listContracts, 'read'),
  http('contracts-get', 'contracts/get', contracts.getContract, 'read'),
  http('contracts-update', 'contracts/update', contracts.updateContract, 'write'),
  http('contracts-status', 'contracts/status', contracts.setContractStatus, 'write'),
  http('contracts-renew', 'contracts/renew', contracts.renewContract, 'write'),
  http('contracts-history', 'contracts/history', contracts.contractHistory, 'read'),
  http('collection-plan-get', 'collections/plan-get', collections.getCollectionPlan, 'read'),
  http('collection-plan-put', 'collections/plan-put', collections.putCollectionPlan, 'write'),
  http('payments-record', 'collections/payment', collections.recordPayment, 'write'),
  http('collections-list', 'collections/list', collections.listCollections, 'read'),
  http('pipeline-settings-get', 'pipeline/settings-get', pipeline.getPipelineSettings, 'read'),
  http('pipeline-settings-put', 'pipeline/settings-put', pipeline.putPipelineSettings, 'write'),
  http('pipeline-funnel', 'pipeline/funnel', pipeline.funnelReport, 'read'),
  http('pipeline-forecast', 'pipeline/forecast', pipeline.forecastReport, 'read'),
  http('pipeline-receivables', 'pipeline/receivables', pipeline.receivablesReport, 'read'),
  // After pipeline events: return-to-pool, quote expiry, contract renewal/expiry and instalment timers; a converted lead's follow-ups onto the account's timeline.
  {
    name: 'sales-pipeline',
    entry: 'functions/workers/sales-pipeline.ts',
    consumer: { events: SALES_CONSUMES, batchSize: 10, maxReceiveCount: 5, visibilityTimeoutSeconds: 60, maxConcurrency: 4 },
    sendsTo: ['timers'],
    table: 'write',
    timeoutSeconds: 30,
  },
  // ---- Campaigns (issue 6): campaigns (lifecycle, audience preview, results, recipients, test sends), coupon pools, the campaign-events consumer
  http('campaigns-create', 'campaigns/create', campaigns.createCampaign, 'write'),
  http('campaigns-list', 'campaigns/list', campaigns.listCampaigns, 'read'),
  http('campaigns-get', 'campaigns/get', campaigns.getCampaign, 'read'),
  http('campaigns-update', 'campaigns/update', campaigns.updateCampaign, 'write', { sendsTo: ['timers'] }),
  http('campaigns-delete', 'campaigns/delete', campaigns.deleteCampaign, 'write'),
  // Reads a sample of the audience and asks the send pipeline's decision for each (consent, suppression, caps).
  http('campaigns-audience', 'campaigns/audience', campaigns.previewCampaignAudience, 'read', { memoryMb: 1024, timeoutSeconds: 29 }),
  http('campaigns-schedule', 'campaigns/schedule', campaigns.scheduleCampaign, 'write', { sendsTo: ['timers'] }),
  http('campaigns-pause', 'campaigns/pause', campaigns.pauseCampaign, 'write'),
  http('campaigns-resume', 'campaigns/resume', campaigns.resumeCampaign, 'write'),
  http('campaigns-cancel', 'campaigns/cancel', campaigns.cancelCampaign, 'write'),
  http('campaigns-results', 'campaigns/results', campaigns.campaignResults, 'read'),
  http('campaigns-recipients', 'campaigns/recipients', campaigns.listCampaignRecipients, 'read'),
  http('campaigns-test-send', 'campaigns/test-send', campaigns.testSendCampaign, 'write', { channels: true }),
  http('coupon-pools-create', 'coupons/create', coupons.createCouponPool, 'write'),
  http('coupon-pools-list', 'coupons/list', coupons.listCouponPools, 'read'),
  http('coupon-pools-get', 'coupons/get', coupons.getCouponPool, 'read'),
  http('coupon-codes-add', 'coupons/add-codes', coupons.addCouponCodes, 'write'),
  // Starts the fan-out and each wave's delivery (jobs), picks up after a resume; keeps recipients current from the Message* events.
  {
    name: 'campaign-events',
    entry: 'functions/workers/campaign-events.ts',
    consumer: { events: CAMPAIGN_CONSUMES, batchSize: 10, maxReceiveCount: 5, visibilityTimeoutSeconds: 60, maxConcurrency: 4 },
    sendsTo: ['jobs', 'timers'],
    table: 'write',
    timeoutSeconds: 60,
  },
  // ---- Analytics (issue 9): reports from the rollups and the full pass, marketing costs, snapshot and lake-export runs
  http('reports-overview', 'reports/overview', reports.overviewReport, 'read'),
  http('reports-sales', 'reports/sales', reports.salesReport, 'read'),
  http('reports-customers', 'reports/customers', reports.customersReport, 'read'),
  http('reports-cohorts', 'reports/cohorts', reports.cohortsReport, 'read'),
  http('reports-value', 'reports/value', reports.valueReport, 'read'),
  http('reports-checkouts', 'reports/checkouts', reports.checkoutsReport, 'read'),
  http('reports-marketing', 'reports/marketing', reports.marketingReport, 'read'),
  http('reports-service-trend', 'reports/service-trend', reports.serviceTrendReport, 'read'),
  http('reports-sales-activity', 'reports/sales-activity', reports.salesActivityReport, 'read'),
  http('analytics-costs-put', 'reports/costs-put', reports.putCosts, 'write'),
  http('analytics-costs-list', 'reports/costs-list', reports.listCosts, 'read'),
  http('analytics-runs-create', 'reports/runs-create', reports.createRun, 'write', { sendsTo: ['analytics'] }),
  http('analytics-runs-get', 'reports/runs-get', reports.getRun, 'read'),
  http('analytics-runs-list', 'reports/runs-list', reports.listRuns, 'read'),
  // Day counters from the event stream, exactly once (a marker per event in the batch's transaction); every event also into the lake's event log.
  {
    name: 'analytics-commerce',
    entry: 'functions/workers/analytics-commerce.ts',
    consumer: { events: COMMERCE_EVENTS, batchSize: 10, maxReceiveCount: 5, visibilityTimeoutSeconds: 60, maxConcurrency: 4 },
    table: 'write',
    timeoutSeconds: 30,
  },
  {
    name: 'analytics-engagement',
    entry: 'functions/workers/analytics-engagement.ts',
    consumer: { events: ENGAGEMENT_EVENTS, batchSize: 10, maxReceiveCount: 5, visibilityTimeoutSeconds: 60, maxConcurrency: 4 },
    table: 'write',
    timeoutSeconds: 30,
  },
  // The full pass (a parallel Scan, like the value-model fit) and the lake export: daily, and asked for through POST /v1/analytics/runs.
  { name: 'analytics-snapshot', entry: 'functions/schedules/analytics-snapshot.ts', schedule: { everyMinutes: 1440, atUtc: '00:20' }, table: 'write', scans: true, timeoutSeconds: 900, memoryMb: 2048 },
  { name: 'analytics-export', entry: 'functions/schedules/analytics-export.ts', schedule: { everyMinutes: 1440, atUtc: '00:40' }, table: 'write', scans: true, blobs: { prefix: 'analytics', access: 'write' }, timeoutSeconds: 900, memoryMb: 2048 },
  {
    name: 'analytics-runs',
    entry: 'functions/workers/analytics-runs.ts',
    queue: { name: 'analytics', batchSize: 1, maxReceiveCount: 3, visibilityTimeoutSeconds: 960 },
    table: 'write',
    scans: true,
    blobs: { prefix: 'analytics', access: 'write' },
    timeoutSeconds: 900,
    memoryMb: 2048,
  },
];

export const httpFunctions = () => WIRING.filter((f): f is FunctionSpec & { http: RouteContract } => !!f.http);
export const consumerFunctions = () => WIRING.filter((f): f is FunctionSpec & { consumer: ConsumerSpec } => !!f.consumer);
export const queueFunctions = () => WIRING.filter((f): f is FunctionSpec & { queue: WorkQueueSpec } => !!f.queue);
