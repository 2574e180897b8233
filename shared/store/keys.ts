/**
 * Every key string of the table is built here and nowhere else. See docs/access-patterns.md.
 *
 * A customer's partition holds everything the 360 view needs, ordered so that one descending
 * Query returns the header items (`~...`: profile, aggregates, segment and open-ticket refs)
 * first and then the newest timeline entries (`T#<ulid>`), orders among them.
 */
import type { IdentityKind } from '../domain/identity';

export const LIST_SHARDS = 4;

const CUSTOMER = 'CUST#';
export const SK = {
  profile: '~PROFILE',
  aggregates: '~AGG',
  state: '~STATE',
  segmentRefPrefix: '~SEG#',
  ticketRefPrefix: '~TKT#',
  timelinePrefix: 'T#',
  timelineEnd: 'T#~',
  identity: 'ID',
  event: 'EVT',
  idempotency: 'IDEM',
  merge: 'MERGE',
  duplicate: 'DUP',
} as const;

export const customerPk = (id: string) => `${CUSTOMER}${id}`;
export const customerIdFromPk = (pk: string) => (pk.startsWith(CUSTOMER) ? pk.slice(CUSTOMER.length) : undefined);
export const timelineSk = (entryId: string) => `${SK.timelinePrefix}${entryId}`;

export const identityPk = (kind: IdentityKind, hash: string) => `ID#${kind}#${hash}`;
export const eventPk = (eventId: string) => `EVT#${eventId}`;
export const idempotencyPk = (hash: string) => `IDEM#${hash}`;
export const mergePk = (mergeId: string) => `MERGE#${mergeId}`;
export const duplicatePk = (a: string, b: string) => (a < b ? `DUP#${a}#${b}` : `DUP#${b}#${a}`);

/** Webhook deliveries already ingested (dedup memory, with a TTL). */
export const deliveryPk = (source: string, sourceId: string, deliveryId: string) => `WHD#${source}#${sourceId}#${deliveryId}`;
export const DELIVERY_SK = 'WHD';

/**
 * Orders live in their customer's partition as timeline items (`T#<entry id>`, entity `order`), so
 * the 360 view and the timeline show them and a merge moves them with the rest of the partition.
 * A small pointer item per platform order (`ORD#...`) finds an order from its platform id.
 */
export const orderRefKey = (platform: string, store: string, orderId: string) => ({ PK: `ORD#${platform}#${store}#${orderId}`, SK: 'ORDER' });
export const orderItemKey = (customerId: string, entryId: string) => ({ PK: customerPk(customerId), SK: timelineSk(entryId) });

/**
 * Checkouts, and the index of open ones by the time they are due to be declared abandoned (GSI2),
 * spread over DUE_SHARDS partitions by checkout id so a flash sale's checkouts do not all write
 * one index partition; the sweep reads every shard.
 */
export const DUE_SHARDS = 8;
export const checkoutKey = (platform: string, store: string, checkoutId: string) => ({ PK: `CHK#${platform}#${store}#${checkoutId}`, SK: 'CHECKOUT' });
export const checkoutDueKeys = (platform: string, store: string, checkoutId: string, abandonAt: string) => ({
  GSI2PK: checkoutDuePk(shardOf(`${platform}#${store}#${checkoutId}`, DUE_SHARDS)),
  GSI2SK: abandonAt,
});
export const checkoutDuePk = (shard: number) => `CHKDUE#${shard}`;

/** Data-subject requests received from a platform (fulfilled by the privacy feature). */
export const privacyRequestKey = (platform: string, store: string, deliveryId: string) => ({ PK: `PRIV#${platform}#${store}#${deliveryId}`, SK: 'PRIV' });

/** Deliveries the ingest worker refused (the reason, kept next to the DLQ copy). */
export const rejectedDeliveryKey = (source: string, sourceId: string, deliveryId: string) => ({ PK: `WHR#${source}#${sourceId}#${deliveryId}`, SK: 'WHR' });

/** A stable shard of a key among `shards` (string hash). */
export function shardOf(key: string, shards: number): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(h) % shards;
}

/** Shard of a customer in the list indexes: spreads writes over LIST_SHARDS partitions. */
export const listShard = (id: string): number => shardOf(id, LIST_SHARDS);

/** GSI2: live customers by id (time order) and the recycle bin by deletion time. */
export const customerListKeys = (id: string) => ({ GSI2PK: `CUSTS#${listShard(id)}`, GSI2SK: id });
export const customerListPk = (shard: number) => `CUSTS#${shard}`;
export const recycleBinKeys = (id: string, deletedAt: string) => ({ GSI2PK: `BIN#${listShard(id)}`, GSI2SK: `${deletedAt}#${id}` });
export const recycleBinPk = (shard: number) => `BIN#${shard}`;
export const recycleBinUntil = (isoTime: string) => `${isoTime}#~`;

/** GSI1: name prefix search, partitioned by the first character of the normalized name. */
export const nameIndexKeys = (normalizedName: string, id: string) => ({
  GSI1PK: namePartition(normalizedName),
  GSI1SK: `${normalizedName}#${id}`,
});
export const namePartition = (normalizedName: string) => `NAME#${[...normalizedName][0] ?? '_'}`;

/** GSI1: the merges into a customer, newest first. */
export const mergeListKeys = (targetId: string, createdAt: string) => ({ GSI1PK: `MERGES#${targetId}`, GSI1SK: createdAt });
export const mergeListPk = (targetId: string) => `MERGES#${targetId}`;

/** Partition items a merge moves (timeline, orders, ticket refs); derived refs are rebuilt instead. */
export const isMovableSk = (sk: string) => !sk.startsWith('~') || sk.startsWith(SK.ticketRefPrefix);

/** GSI1: open duplicate candidates, newest first. */
export const duplicateListKeys = (status: 'open' | 'dismissed' | 'merged', detectedAt: string) => ({
  GSI1PK: `DUPS#${status}`,
  GSI1SK: detectedAt,
});
export const duplicateListPk = (status: 'open' | 'dismissed' | 'merged') => `DUPS#${status}`;

/** Attributes that belong to the table layout, stripped before an item becomes a domain object. */
export const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'entity', 'ttl'] as const;

export function stripKeys<T>(item: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...item };
  for (const k of KEY_ATTRIBUTES) delete out[k];
  return out as T;
}

/**
 * Bulk import and export jobs. An import's partition holds the job, one marker per applied row
 * (its outcome, so a retried chunk counts each row once) and its failed rows for the error report.
 */
const IMPORT = 'IMP#';
export const importJobKey = (jobId: string) => ({ PK: `${IMPORT}${jobId}`, SK: 'JOB' });
const line10 = (line: number) => String(line).padStart(10, '0');
export const importRowKey = (jobId: string, line: number) => ({ PK: `${IMPORT}${jobId}`, SK: `ROW#${line10(line)}` });
export const importErrorKey = (jobId: string, line: number) => ({ PK: `${IMPORT}${jobId}`, SK: `ERR#${line10(line)}` });
export const importPk = (jobId: string) => `${IMPORT}${jobId}`;
export const IMPORT_ERROR_PREFIX = 'ERR#';
export const exportJobKey = (jobId: string) => ({ PK: `EXP#${jobId}`, SK: 'JOB' });

/** Object keys in the transfer bucket (S3) or folder (local); lifecycle rules expire each prefix. */
export const BLOB_PREFIXES = { imports: 'imports/', exports: 'exports/', attachments: 'attachments/' } as const;
export const importFileKey = (jobId: string) => `${BLOB_PREFIXES.imports}${jobId}/file`;
export const exportFileKey = (jobId: string) => `${BLOB_PREFIXES.exports}${jobId}/file`;

/**
 * Timers (reminders, SLA deadlines, membership flips): one item per thing and instant, and while it
 * has not fired, an entry in the sparse due index (GSI2) spread over TIMER_SHARDS partitions by its
 * thing; the minute sweep reads each shard's range from its checkpoint (`TMRSWEEP`) to the end of
 * the next minute, so a stopped sweep catches up and one sweep costs TIMER_SHARDS queries.
 */
export const TIMER_SHARDS = 16;
export const timerKey = (dueAt: string, kind: string, key: string) => ({ PK: `TMR#${kind}#${key}`, SK: dueAt });
export const timerDueKeys = (dueAt: string, kind: string, key: string) => ({ GSI2PK: timerDuePk(shardOf(`${kind}#${key}`, TIMER_SHARDS)), GSI2SK: `${dueAt}#${kind}#${key}` });
export const timerDuePk = (shard: number) => `TMRDUE#${shard}`;
/** GSI2SK bounds of the timers due in [from, to] (ISO instants). */
export const timerDueRange = (from: string, to: string) => ({ from, to: `${to}#~` });
export const TIMER_SWEEP_KEY = { PK: 'TMRSWEEP', SK: 'TMRSWEEP' } as const;

/**
 * Segmentation. Definitions live in one partition each (a few hundred items, read whole);
 * the value settings and fitted models are one item. A customer's segment membership is the
 * `~SEG#<segmentId>` ref in their partition (the 360 view reads it), indexed on GSI1 by segment
 * over SEGMENT_SHARDS partitions so a large segment has no hot partition. Tag membership is an
 * index item per tag and customer, kept from the profile's tags by the stream relay.
 */
export const SEGMENT_SHARDS = 16;
export const TAG_SHARDS = 4;
export const segmentDefKey = (segmentId: string) => ({ PK: 'SEGDEF', SK: segmentId });
export const SEGMENT_DEFS_PK = 'SEGDEF';
export const tagDefKey = (name: string) => ({ PK: 'TAGDEF', SK: name });
export const TAG_DEFS_PK = 'TAGDEF';
export const VALUE_CONFIG_KEY = { PK: 'CONFIG', SK: 'VALUE' } as const;
export const segmentRefKeys = (customerId: string, segmentId: string) => ({
  PK: customerPk(customerId),
  SK: `${SK.segmentRefPrefix}${segmentId}`,
  GSI1PK: segmentMembersPk(segmentId, shardOf(customerId, SEGMENT_SHARDS)),
  GSI1SK: customerId,
});
export const segmentMembersPk = (segmentId: string, shard: number) => `SEGM#${segmentId}#${shard}`;
export const tagMemberKey = (tag: string, customerId: string) => ({ PK: tagMembersPk(tag, shardOf(customerId, TAG_SHARDS)), SK: customerId });
export const tagMembersPk = (tag: string, shard: number) => `TAGM#${tag}#${shard}`;

// ---- Service desk (issue 5): tickets, agents, SLA policies, tasks, notifications, surveys, cadences, stats

/**
 * A ticket's partition holds the ticket (`TICKET`), its history (`H#<ulid>`), comments
 * (`C#<ulid>`) and attachments (`A#<id>`). GSI1 lists tickets by status (TICKET_SHARDS
 * partitions per status, merged by id: newest first); GSI2 lists an agent's tickets by status,
 * or, while nobody is assigned, the group's queue (`TKTQ#<group or ->`).
 */
export const TICKET_SHARDS = 4;
export const TICKET_SK = 'TICKET';
export const TICKET_PREFIX = { history: 'H#', comment: 'C#', attachment: 'A#' } as const;
export const ticketPk = (id: string) => `TKT#${id}`;
export const ticketKey = (id: string) => ({ PK: ticketPk(id), SK: TICKET_SK });
export const ticketHistoryKey = (ticketId: string, entryId: string) => ({ PK: ticketPk(ticketId), SK: `${TICKET_PREFIX.history}${entryId}` });
export const ticketCommentKey = (ticketId: string, commentId: string) => ({ PK: ticketPk(ticketId), SK: `${TICKET_PREFIX.comment}${commentId}` });
export const ticketAttachmentKey = (ticketId: string, attachmentId: string) => ({ PK: ticketPk(ticketId), SK: `${TICKET_PREFIX.attachment}${attachmentId}` });
export const ticketStatusPk = (status: string, shard: number) => `TKTS#${status}#${shard}`;
export const ticketStatusKeys = (status: string, id: string) => ({ GSI1PK: ticketStatusPk(status, shardOf(id, TICKET_SHARDS)), GSI1SK: id });
export const ticketAgentPk = (agentId: string) => `TKTA#${agentId}`;
export const ticketQueuePk = (groupId: string | undefined) => `TKTQ#${groupId ?? '-'}`;
export const ticketOwnerKeys = (t: { id: string; status: string; assigneeId?: string; groupId?: string }) => ({
  GSI2PK: t.assigneeId ? ticketAgentPk(t.assigneeId) : ticketQueuePk(t.groupId),
  GSI2SK: `${t.status}#${t.id}`,
});
/** The ref of an unsolved or solved ticket in its customer's partition (the 360 view's open tickets). */
export const ticketRefKey = (customerId: string, ticketId: string) => ({ PK: customerPk(customerId), SK: `${SK.ticketRefPrefix}${ticketId}` });
export const TICKET_SEQ_KEY = { PK: 'SEQ#ticket', SK: 'SEQ' } as const;

/** The agent directory and groups (queues): small lists on GSI1. */
export const agentKey = (id: string) => ({ PK: `AGENT#${id}`, SK: 'AGENT' });
export const AGENTS_PK = 'AGENTS';
export const agentListKeys = (id: string) => ({ GSI1PK: AGENTS_PK, GSI1SK: id });
export const groupKey = (id: string) => ({ PK: `GROUP#${id}`, SK: 'GROUP' });
export const GROUPS_PK = 'GROUPS';
export const groupListKeys = (id: string) => ({ GSI1PK: GROUPS_PK, GSI1SK: id });

/** SLA policies in matching order on GSI1; a position claim keeps positions unique. */
export const slaPolicyKey = (id: string) => ({ PK: `SLA#${id}`, SK: 'POLICY' });
export const SLA_POLICIES_PK = 'SLAS';
export const slaListKeys = (position: number, id: string) => ({ GSI1PK: SLA_POLICIES_PK, GSI1SK: `${String(position).padStart(6, '0')}#${id}` });
export const slaPositionKey = (position: number) => ({ PK: `SLAPOS#${position}`, SK: 'SLAPOS' });
export const SERVICE_SETTINGS_KEY = { PK: 'SVC#SETTINGS', SK: 'SETTINGS' } as const;

/** Tasks; GSI2 lists an assignee's tasks, unfinished first (`A#`), by due time. */
export const taskKey = (id: string) => ({ PK: `TASK#${id}`, SK: 'TASK' });
export const taskAssigneePk = (assigneeId: string) => `TASKS#${assigneeId}`;
export const TASK_BUCKET = { open: 'A#', done: 'Z#' } as const;
export const taskAssigneeKeys = (t: { id: string; assigneeId: string; done: boolean; dueAt?: string }) => ({
  GSI2PK: taskAssigneePk(t.assigneeId),
  GSI2SK: `${t.done ? TASK_BUCKET.done : TASK_BUCKET.open}${t.dueAt ?? '9999'}#${t.id}`,
});

/** An agent's notifications, newest first. */
export const notificationPk = (agentId: string) => `NTF#${agentId}`;
export const notificationKey = (agentId: string, id: string) => ({ PK: notificationPk(agentId), SK: `N#${id}` });
export const NOTIFICATION_PREFIX = 'N#';

export const surveyKey = (id: string) => ({ PK: `SRV#${id}`, SK: 'SURVEY' });

export const cadenceRuleKey = (id: string) => ({ PK: `CAD#${id}`, SK: 'RULE' });
export const CADENCES_PK = 'CADENCES';
export const cadenceListKeys = (id: string) => ({ GSI1PK: CADENCES_PK, GSI1SK: id });

/** Service counters: current (per shard) and per day (per shard), one partition read by one Query. */
export const STATS_SHARDS = 4;
export const STATS_PK = 'SVCSTATS';
export const statsCurrentKey = (shard: number) => ({ PK: STATS_PK, SK: `CUR#${shard}` });
export const STATS_CURRENT_PREFIX = 'CUR#';
export const statsDayKey = (day: string, shard: number) => ({ PK: STATS_PK, SK: `D#${day}#${shard}` });
export const statsDayRange = (fromDay: string, toDay: string) => ({ from: `D#${fromDay}#`, to: `D#${toDay}#~` });

/** The dev outbox (messages captured instead of sent): one item per message id, listed newest first on GSI1. */
export const devMessageKey = (id: string) => ({ PK: `MSG#${id}`, SK: 'MSG' });
export const DEV_OUTBOX_PK = 'DEVOUTBOX';
export const devOutboxListKeys = (sentAt: string, id: string) => ({ GSI1PK: DEV_OUTBOX_PK, GSI1SK: `${sentAt}#${id}` });

/** Ticket attachments in the transfer bucket (kept with the ticket: no expiry rule). */
export const attachmentFileKey = (attachmentId: string) => `${BLOB_PREFIXES.attachments}${attachmentId}/file`;

// ---- Segments, tags and value settings (issue 4): jobs

/**
 * Jobs (backfills, rescores, bulk tags, segment clean-ups): the job item and one item per part (a
 * unit of work with its own checkpoint and counters, e.g. one Scan segment), read together by one
 * Query; and per subject (`segment:<id>`, `tag:<name>`, `settings:value`) a pointer to its current
 * job, so a job that is no longer current stops.
 */
const JOB = 'JOB#';
export const jobPk = (jobId: string) => `${JOB}${jobId}`;
export const jobKey = (jobId: string) => ({ PK: jobPk(jobId), SK: 'JOB' });
export const JOB_PART_PREFIX = 'PART#';
export const jobPartKey = (jobId: string, part: number) => ({ PK: jobPk(jobId), SK: `${JOB_PART_PREFIX}${String(part).padStart(3, '0')}` });
export const jobSubjectKey = (subject: string) => ({ PK: `JOBSUBJ#${subject}`, SK: 'JOBSUBJ' });
/** Customer partitions start with this (a parallel Scan keeps only their header items, `~…`). */
export const CUSTOMER_PK_PREFIX = customerPk('');
export const HEADER_SK_PREFIX = '~';
