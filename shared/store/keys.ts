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
/** Export jobs by creation (GSI1), so an erasure finds the files made before it (one partition: exports are rare, and their items expire in 30 days). */
export const EXPORT_JOBS_PK = 'EXPS';
export const exportJobListKeys = (createdAt: string, jobId: string) => ({ GSI1PK: EXPORT_JOBS_PK, GSI1SK: `${createdAt}#${jobId}` });

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
/** A link from the customer's partition to each of their tickets, closed ones too (moves with a merge; sorts after the timeline). */
export const ticketLinkPrefix = 'X#TKT#';
export const ticketLinkKey = (customerId: string, ticketId: string) => ({ PK: customerPk(customerId), SK: `${ticketLinkPrefix}${ticketId}` });
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

// ---- Audit trail (issue 7): append-only records, found by object, by actor and by day.
export const AUDIT_DAY_SHARDS = 4;
export const auditEntityPk = (type: string, id: string) => `AUD#${type}#${id}`;
export const auditKeys = (r: { id: string; at: string; actorSub: string; target?: { type: string; id: string } }) => ({
  PK: r.target ? auditEntityPk(r.target.type, r.target.id) : `AUD#-#${r.id}`,
  SK: `${r.at}#${r.id}`,
  GSI1PK: auditActorPk(r.actorSub),
  GSI1SK: `${r.at}#${r.id}`,
  GSI2PK: auditDayPk(r.at.slice(0, 10), shardOf(r.id, AUDIT_DAY_SHARDS)),
  GSI2SK: `${r.at}#${r.id}`,
});
export const auditActorPk = (sub: string) => `AUDA#${sub}`;
export const auditDayPk = (day: string, shard: number) => `AUDD#${day}#${shard}`;
/** Sort-key bounds of a time range (ISO instants) in any of the audit listings. */
export const auditRange = (from: string, to: string) => ({ lo: from, hi: `${to}#~` });

// ---- Messaging (issue 6): templates, messages, send ledgers, suppressions, stats, settings

/** Templates: the head item and one immutable item per version in the template's partition; listed newest first on GSI1. */
export const templatePk = (id: string) => `TPL#${id}`;
export const templateKey = (id: string) => ({ PK: templatePk(id), SK: 'TPL' });
export const TEMPLATE_VERSION_PREFIX = 'V#';
export const templateVersionKey = (id: string, version: number) => ({ PK: templatePk(id), SK: `${TEMPLATE_VERSION_PREFIX}${String(version).padStart(6, '0')}` });
export const TEMPLATES_PK = 'TPLS';
export const templateListKeys = (id: string) => ({ GSI1PK: TEMPLATES_PK, GSI1SK: id });

/**
 * Messages: one item per message, its rendered body next to it (kept a week, so the item feedback
 * updates stays small), and a claim per delivery key (a hash of it) naming the message. GSI1 lists
 * a customer's messages by time (attribution, the customer's message list).
 */
export const messagePk = (id: string) => `MSGI#${id}`;
export const messageKey = (id: string) => ({ PK: messagePk(id), SK: 'MSG' });
export const messageBodyKey = (id: string) => ({ PK: messagePk(id), SK: 'BODY' });
export const messageClaimKey = (keyHash: string) => ({ PK: `MSGK#${keyHash}`, SK: 'MSGK' });
export const customerMessagesPk = (customerId: string) => `MSGC#${customerId}`;
export const customerMessageKeys = (customerId: string, createdAt: string, id: string) => ({ GSI1PK: customerMessagesPk(customerId), GSI1SK: `${createdAt}#${id}` });
/** A customer's marketing sends (frequency caps), changed only under a version condition. */
export const sendLedgerKey = (customerId: string) => ({ PK: `MSGCAP#${customerId}`, SK: 'CAP' });
/** A provider feedback event already applied (dedup of SNS/SQS redeliveries), and an order already attributed. */
export const feedbackSeenKey = (eventHash: string) => ({ PK: `MSGFB#${eventHash}`, SK: 'FB' });
export const attributionKey = (platform: string, store: string, orderId: string) => ({ PK: `MSGATTR#${platform}#${store}#${orderId}`, SK: 'ATTR' });

/** Stats of a source (campaign, journey, …): counters in total, per variant and per channel, each over STATS shards; one Query reads them all. */
export const MESSAGE_STATS_SHARDS = 8;
export const messageStatsPk = (kind: string, id: string) => `MSGSTAT#${kind}#${id}`;
export const messageStatsKey = (kind: string, id: string, scope: string, shard: number) => ({ PK: messageStatsPk(kind, id), SK: `${scope}#${shard}` });

/** Suppressions per channel by a keyed hash of the address (no address in a key); listed newest first on GSI1, one partition per channel. */
export const suppressionKey = (channel: string, addressHash: string) => ({ PK: `SUPP#${channel}#${addressHash}`, SK: 'SUPP' });
export const suppressionListPk = (channel: string) => `SUPPS#${channel}`;
export const suppressionListKeys = (channel: string, createdAt: string, addressHash: string) => ({ GSI1PK: suppressionListPk(channel), GSI1SK: `${createdAt}#${addressHash}` });

export const MESSAGING_SETTINGS_KEY = { PK: 'MSGCFG', SK: 'SETTINGS' } as const;

// ---- Sales pipeline (issue 8): leads and the public pool, opportunities, quotes, contracts, collections, counters

/**
 * A lead's partition holds the lead (`LEAD`), its company-name search entry (`NAME`), its history
 * (`H#<ulid>`) and follow-ups (`F#<ulid>`). GSI1 lists an owner's leads by status, or, while
 * unowned and open, the public pool by region (one partition: the pool is written at human rate);
 * GSI2 lists the leads of a status (LEAD_SHARDS partitions, merged by id, newest first). The name
 * entry's GSI1 serves the company-name prefix search (partitioned by the first character).
 */
export const LEAD_SHARDS = 4;
export const LEAD_SK = 'LEAD';
export const LEAD_PREFIX = { history: 'H#', followUp: 'F#' } as const;
export const leadPk = (id: string) => `LEAD#${id}`;
export const leadKey = (id: string) => ({ PK: leadPk(id), SK: LEAD_SK });
export const leadNameKey = (id: string) => ({ PK: leadPk(id), SK: 'NAME' });
export const leadHistoryKey = (leadId: string, entryId: string) => ({ PK: leadPk(leadId), SK: `${LEAD_PREFIX.history}${entryId}` });
export const leadFollowUpKey = (leadId: string, followUpId: string) => ({ PK: leadPk(leadId), SK: `${LEAD_PREFIX.followUp}${followUpId}` });
export const leadOwnerPk = (ownerId: string) => `LEADO#${ownerId}`;
export const LEAD_POOL_PK = 'LEADPOOL';
/** GSI1 of a lead: its owner's list (`<status>#<id>`), or the pool (`<region key>#<id>`) while unowned and open; none otherwise. */
export const leadListKeys = (l: { id: string; status: string; ownerId?: string; regionKey: string; open: boolean }) =>
  l.ownerId ? { GSI1PK: leadOwnerPk(l.ownerId), GSI1SK: `${l.status}#${l.id}` } : l.open ? { GSI1PK: LEAD_POOL_PK, GSI1SK: `${l.regionKey || '-'}#${l.id}` } : {};
export const leadStatusPk = (status: string, shard: number) => `LEADS#${status}#${shard}`;
export const leadStatusKeys = (status: string, id: string) => ({ GSI2PK: leadStatusPk(status, shardOf(id, LEAD_SHARDS)), GSI2SK: id });
export const leadNamePartition = (companyKey: string) => `LEADN#${[...companyKey][0] ?? '_'}`;
export const leadNameIndexKeys = (companyKey: string, id: string) => ({ GSI1PK: leadNamePartition(companyKey), GSI1SK: `${companyKey}#${id}` });
/** Dedup claims of leads: one per normalized company name, phone and email (keyed hashes), naming the lead that holds it. */
export const leadIdentityKey = (kind: 'company' | 'phone' | 'email', hash: string) => ({ PK: `LEADID#${kind}#${hash}`, SK: 'LEADID' });
/** How many open leads a rep holds (the held-lead limit is a condition on it). */
export const leadHeldKey = (repId: string) => ({ PK: `LEADHELD#${repId}`, SK: 'HELD' });
/** Round-robin bookkeeping of an assignment rule. */
export const assignmentCursorKey = (ruleId: string) => ({ PK: `PIPE#RR#${ruleId}`, SK: 'RR' });
export const PIPELINE_SETTINGS_KEY = { PK: 'PIPE#SETTINGS', SK: 'SETTINGS' } as const;

/**
 * An opportunity's partition holds it (`OPP`), its account ref (`ACCT`, GSI1 by account) and its
 * stage visits (`H#<ulid>`). GSI1 lists an owner's opportunities (`<status>#<stage>#<id>`); GSI2
 * the open ones of a stage (OPP_SHARDS partitions) or the closed ones by status.
 */
export const OPP_SHARDS = 4;
export const OPP_SK = 'OPP';
export const oppPk = (id: string) => `OPP#${id}`;
export const oppKey = (id: string) => ({ PK: oppPk(id), SK: OPP_SK });
export const oppVisitKey = (oppId: string, visitId: string) => ({ PK: oppPk(oppId), SK: `H#${visitId}` });
export const OPP_VISIT_PREFIX = 'H#';
export const oppAccountRefKey = (oppId: string) => ({ PK: oppPk(oppId), SK: 'ACCT' });
export const oppOwnerPk = (ownerId: string) => `OPPO#${ownerId}`;
export const oppOwnerKeys = (o: { id: string; ownerId: string; status: string; stage: string }) => ({ GSI1PK: oppOwnerPk(o.ownerId), GSI1SK: `${o.status}#${o.stage}#${o.id}` });
export const oppStagePk = (stageOrStatus: string, shard: number) => `OPPS#${stageOrStatus}#${shard}`;
export const oppStageKeys = (o: { id: string; status: string; stage: string }) => ({ GSI2PK: oppStagePk(o.status === 'open' ? o.stage : o.status, shardOf(o.id, OPP_SHARDS)), GSI2SK: o.id });
export const oppAccountPk = (customerId: string) => `OPPA#${customerId}`;
export const oppAccountKeys = (customerId: string, oppId: string) => ({ GSI1PK: oppAccountPk(customerId), GSI1SK: oppId });

/** Quotes: one item each; GSI1 lists an opportunity's quotes by number and revision. */
export const quoteKey = (id: string) => ({ PK: `QUOTE#${id}`, SK: 'QUOTE' });
export const oppQuotesPk = (oppId: string) => `QUOTES#${oppId}`;
export const quoteListKeys = (oppId: string, number: string, revision: number, id: string) => ({ GSI1PK: oppQuotesPk(oppId), GSI1SK: `${number}#${String(revision).padStart(3, '0')}#${id}` });

/**
 * A contract's partition holds the contract (`CONTRACT`), its history (`H#<ulid>`), its collection
 * plan (`PLAN`), instalments (`I#<nn>`) and payments (`P#<ulid>`): one Query reads them all. GSI1
 * lists an owner's contracts (`<status>#<end date>#<id>`), GSI2 the contracts of a status by end
 * date. An outstanding instalment is on GSI2 under its owner and on GSI1 in the all-reps list,
 * both by due date.
 */
export const CONTRACT_SK = 'CONTRACT';
export const contractPk = (id: string) => `CONTRACT#${id}`;
export const contractKey = (id: string) => ({ PK: contractPk(id), SK: CONTRACT_SK });
export const contractHistoryKey = (contractId: string, entryId: string) => ({ PK: contractPk(contractId), SK: `H#${entryId}` });
export const contractPlanKey = (contractId: string) => ({ PK: contractPk(contractId), SK: 'PLAN' });
export const instalmentKey = (contractId: string, no: number) => ({ PK: contractPk(contractId), SK: `I#${String(no).padStart(3, '0')}` });
export const paymentKey = (contractId: string, paymentId: string) => ({ PK: contractPk(contractId), SK: `P#${paymentId}` });
export const CONTRACT_PREFIX = { history: 'H#', instalment: 'I#', payment: 'P#' } as const;
export const contractOwnerPk = (ownerId: string) => `CONTRACTO#${ownerId}`;
export const contractOwnerKeys = (c: { id: string; ownerId: string; status: string; endDate: string }) => ({ GSI1PK: contractOwnerPk(c.ownerId), GSI1SK: `${c.status}#${c.endDate}#${c.id}` });
export const contractStatusPk = (status: string) => `CONTRACTS#${status}`;
export const contractStatusKeys = (c: { id: string; status: string; endDate: string }) => ({ GSI2PK: contractStatusPk(c.status), GSI2SK: `${c.endDate}#${c.id}` });
export const collectionsOwnerPk = (ownerId: string) => `COLLO#${ownerId}`;
export const COLLECTIONS_DUE_PK = 'COLLDUE';
export const instalmentDueKeys = (ownerId: string, contractId: string, no: number, dueDate: string) => ({
  GSI1PK: COLLECTIONS_DUE_PK,
  GSI1SK: `${dueDate}#${contractId}#${String(no).padStart(3, '0')}`,
  GSI2PK: collectionsOwnerPk(ownerId),
  GSI2SK: `${dueDate}#${contractId}#${String(no).padStart(3, '0')}`,
});

export const QUOTE_SEQ_KEY = { PK: 'SEQ#quote', SK: 'SEQ' } as const;
export const CONTRACT_SEQ_KEY = { PK: 'SEQ#contract', SK: 'SEQ' } as const;

/** Pipeline counters: snapshot and per-day items over PIPE_STATS_SHARDS shards; receivables per rep by due date. */
export const PIPE_STATS_SHARDS = 4;
export const PIPE_STATS_PK = 'PIPESTATS';
export const pipeSnapshotKey = (shard: number) => ({ PK: PIPE_STATS_PK, SK: `CUR#${shard}` });
export const PIPE_SNAPSHOT_PREFIX = 'CUR#';
export const pipeDayKey = (day: string, shard: number) => ({ PK: PIPE_STATS_PK, SK: `D#${day}#${shard}` });
export const pipeDayRange = (fromDay: string, toDay: string) => ({ from: `D#${fromDay}#`, to: `D#${toDay}#~` });
export const RECEIVABLES_PK = 'PIPERCV';
export const receivablesKey = (repId: string) => ({ PK: RECEIVABLES_PK, SK: `R#${repId}` });

// ---- Journeys (issue 6): definitions and versions, the trigger index, stats, enrollments, memberships, webhook secrets

/**
 * A journey's partition holds the journey (`JOURNEY`), its immutable versions (`V#<6 digits>`) and
 * its stats counters (`STATS#<shard>`, JOURNEY_STATS_SHARDS, read by one Query); journeys are
 * listed on GSI1 `JOURNEYS`. The trigger index lists the live journeys per trigger (`JTRG#<event
 * type or date>` / journey id), so an event finds its journeys with one Query. An enrollment's
 * partition holds it (`ENR`) and its history (`H#<6 digits>`); it is listed per journey on GSI1
 * (JOURNEY_ENROLLMENT_SHARDS partitions, merged by id) and per customer on GSI2. The membership
 * item of a journey and customer carries the active enrollment and the last entry (re-entry rules).
 */
export const JOURNEY_STATS_SHARDS = 4;
export const JOURNEY_ENROLLMENT_SHARDS = 4;
const seq6 = (n: number) => String(n).padStart(6, '0');
export const journeyPk = (id: string) => `JRN#${id}`;
export const journeyKey = (id: string) => ({ PK: journeyPk(id), SK: 'JOURNEY' });
export const JOURNEYS_PK = 'JOURNEYS';
export const journeyListKeys = (id: string) => ({ GSI1PK: JOURNEYS_PK, GSI1SK: id });
export const JOURNEY_VERSION_PREFIX = 'V#';
export const journeyVersionKey = (id: string, n: number) => ({ PK: journeyPk(id), SK: `${JOURNEY_VERSION_PREFIX}${seq6(n)}` });
export const JOURNEY_STATS_PREFIX = 'STATS#';
export const journeyStatsKey = (id: string, shard: number) => ({ PK: journeyPk(id), SK: `${JOURNEY_STATS_PREFIX}${shard}` });
export const journeyTriggerPk = (trigger: string) => `JTRG#${trigger}`;
export const journeyTriggerKey = (trigger: string, journeyId: string) => ({ PK: journeyTriggerPk(trigger), SK: journeyId });
export const enrollmentPk = (id: string) => `ENR#${id}`;
export const enrollmentKey = (id: string) => ({ PK: enrollmentPk(id), SK: 'ENR' });
export const ENROLLMENT_HISTORY_PREFIX = 'H#';
export const enrollmentHistoryKey = (id: string, seq: number) => ({ PK: enrollmentPk(id), SK: `${ENROLLMENT_HISTORY_PREFIX}${seq6(seq)}` });
export const journeyEnrollmentsPk = (journeyId: string, shard: number) => `JRNE#${journeyId}#${shard}`;
export const customerEnrollmentsPk = (customerId: string) => `JRNC#${customerId}`;
export const enrollmentListKeys = (journeyId: string, customerId: string, id: string) => ({
  GSI1PK: journeyEnrollmentsPk(journeyId, shardOf(id, JOURNEY_ENROLLMENT_SHARDS)),
  GSI1SK: id,
  GSI2PK: customerEnrollmentsPk(customerId),
  GSI2SK: id,
});
export const journeyMemberKey = (journeyId: string, customerId: string) => ({ PK: `JRNM#${journeyId}#${customerId}`, SK: 'JRNM' });
export const JOURNEY_SECRETS_PK = 'JSECRET';
export const journeySecretKey = (name: string) => ({ PK: JOURNEY_SECRETS_PK, SK: name });

// ---- PII encryption (issue 7): the wrapped KMS data key of the profiles' personal fields.
export const PII_KEYRING_KEY = { PK: 'KEYRING#pii', SK: 'v1' } as const;

// ---- Users and integration clients (issue 7): staff users by sub, their e-mail claim, machine-client grants.
/** A user (by the `sub` of their token); GSI1 lists the users of a status, GSI2 all users, both oldest first. */
export const userKey = (sub: string) => ({ PK: `USER#${sub}`, SK: 'USER' });
export const userStatusPk = (status: string) => `USERS#${status}`;
export const USERS_ALL_PK = 'USERS';
export const userListKeys = (u: { id: string; status: string; createdAt: string }) => ({
  GSI1PK: userStatusPk(u.status),
  GSI1SK: `${u.createdAt}#${u.id}`,
  GSI2PK: USERS_ALL_PK,
  GSI2SK: `${u.createdAt}#${u.id}`,
});
/** One user per e-mail: a claim keyed by the keyed hash of the normalized address (no address in a key). */
export const userEmailKey = (emailHash: string) => ({ PK: `USEREMAIL#${emailHash}`, SK: 'USEREMAIL' });
/** An integration client's grant; listed on GSI1 by client id. */
export const integrationClientKey = (clientId: string) => ({ PK: `ICLIENT#${clientId}`, SK: 'GRANT' });
export const INTEGRATION_CLIENTS_PK = 'ICLIENTS';
export const integrationClientListKeys = (clientId: string) => ({ GSI1PK: INTEGRATION_CLIENTS_PK, GSI1SK: clientId });
// Per-client throttling (issue 7): one counter per machine client per one-minute window, removed by the table's TTL.
/** The rate counters' key prefix: the AWS grant that lets read-only HTTP functions count is limited to these partitions (dynamodb:LeadingKeys). */
export const RATE_COUNTER_PREFIX = 'RATE#';
export const rateCounterKey = (clientId: string, windowStart: string) => ({ PK: `${RATE_COUNTER_PREFIX}${clientId}`, SK: `W#${windowStart}` });
export const isRateCounterPk = (pk: unknown): boolean => typeof pk === 'string' && pk.startsWith(RATE_COUNTER_PREFIX);

// ---- Data-subject requests (issue 7): one item each; open ones listed by deadline, all by receipt.
export const privacyRequestItemKey = (id: string) => ({ PK: `DSR#${id}`, SK: 'DSR' });
export const privacyListKeys = (status: string, dueAt: string, id: string) => ({ GSI1PK: privacyListPk(status), GSI1SK: `${dueAt}#${id}` });
export const privacyListPk = (status: string) => `DSRS#${status}`;
/** Requests by their subject (GSI2): an erasure finds the export files of the person it erases. */
export const privacySubjectPk = (kind: 'customer' | 'lead', id: string) => `DSRSUBJ#${kind}#${id}`;
/** Whose export files an erasure removes, kept by its first try (a retry no longer finds the leads it erased by their contact). */
export const erasureFilesScopeKey = (requestId: string) => ({ PK: privacyRequestItemKey(requestId).PK, SK: 'DSRFILES' });
export const privacySubjectKeys = (r: { kind: string; customerId?: string; leadId?: string; receivedAt: string; id: string }) =>
  r.customerId || r.leadId ? { GSI2PK: privacySubjectPk(r.customerId ? 'customer' : 'lead', (r.customerId ?? r.leadId)!), GSI2SK: `${r.kind}#${r.receivedAt}#${r.id}` } : {};
/**
 * A shop erasure (Shopify's shop/redact) keeps, in its request's partition, where its walk of the
 * customer lists stands (`DSRWALK`) and one record per customer it erased or detached (`DSRC#<id>`).
 */
export const shopErasurePk = (requestId: string) => privacyRequestItemKey(requestId).PK;
export const shopErasureWalkKey = (requestId: string) => ({ PK: shopErasurePk(requestId), SK: 'DSRWALK' });
export const SHOP_ERASURE_SUBJECT_PREFIX = 'DSRC#';
export const shopErasureSubjectKey = (requestId: string, customerId: string) => ({ PK: shopErasurePk(requestId), SK: `${SHOP_ERASURE_SUBJECT_PREFIX}${customerId}` });
/** Replay copies of API answers that carry a customer (Idempotency-Key records), found by the customer for an erasure. */
export const idempotencyCustomerKeys = (customerId: string) => ({ GSI1PK: `IDEMC#${customerId}`, GSI1SK: 'IDEM' });
export const idempotencyCustomerPk = (customerId: string) => `IDEMC#${customerId}`;
/** The same for answers about a lead (its contact data), found by the lead for its erasure. */
export const idempotencyLeadKeys = (leadId: string) => ({ GSI1PK: idempotencyLeadPk(leadId), GSI1SK: 'IDEM' });
export const idempotencyLeadPk = (leadId: string) => `IDEML#${leadId}`;

// ---- Leads as personal data (issue 7 × issue 8): refs that find a person's leads for an export or an erasure.
/**
 * A lead's refs, in its partition: `REF#email` / `REF#phone` (GSI1 `LEADREF#email|phone#<keyed hash>`,
 * every lead with that contact, duplicates and merged ones included) and `REF#account` /
 * `REF#contact` (GSI1 `LEADREF#customer#<customer id>`, the customers a conversion linked), and
 * `REF#merged` (GSI1 `LEADREF#lead#<survivor id>`, the duplicates merged into a lead).
 */
export type LeadRefSlot = 'email' | 'phone' | 'account' | 'contact' | 'merged';
export const leadRefKey = (leadId: string, slot: LeadRefSlot) => ({ PK: leadPk(leadId), SK: `REF#${slot}` });
export const leadRefPk = (kind: 'email' | 'phone' | 'customer' | 'lead', value: string) => `LEADREF#${kind}#${value}`;
export const leadRefIndexKeys = (kind: 'email' | 'phone' | 'customer' | 'lead', value: string, leadId: string) => ({ GSI1PK: leadRefPk(kind, value), GSI1SK: leadId });

// ---- Campaigns (issue 6): campaigns, their run, recipients and counters; coupon pools and codes.
/**
 * A campaign's partition holds the campaign (`CAMPAIGN`), its run (`RUN`: waves, jobs) and its pace
 * (`PACE`, the send-rate slot); campaigns are listed by status on GSI1 and all together on GSI2.
 * Recipients are one item per customer (`CMPR#<campaign>#<shard>` / customer id, the shard of the
 * customer as in segment membership), listed by state on GSI1 and, outside the main wave, by wave
 * on GSI2; counters live in `CMPC#<campaign>` (one item per fan-out part and per conversion shard).
 */
export const CAMPAIGN_SHARDS = 16;
const CAMPAIGN = 'CMP#';
export const campaignPk = (id: string) => `${CAMPAIGN}${id}`;
export const campaignKey = (id: string) => ({ PK: campaignPk(id), SK: 'CAMPAIGN' });
export const campaignRunKey = (id: string) => ({ PK: campaignPk(id), SK: 'RUN' });
export const campaignPaceKey = (id: string) => ({ PK: campaignPk(id), SK: 'PACE' });
export const campaignStatusPk = (status: string) => `CMPS#${status}`;
export const CAMPAIGNS_ALL_PK = 'CMPS';
export const campaignListKeys = (id: string, status: string) => ({ GSI1PK: campaignStatusPk(status), GSI1SK: id, GSI2PK: CAMPAIGNS_ALL_PK, GSI2SK: id });
export const campaignCountersPk = (id: string) => `CMPC#${id}`;
export const campaignCounterKey = (id: string, slot: string) => ({ PK: campaignCountersPk(id), SK: slot });
export const recipientShard = (customerId: string) => shardOf(customerId, CAMPAIGN_SHARDS);
export const recipientPk = (campaignId: string, shard: number) => `CMPR#${campaignId}#${shard}`;
export const recipientKey = (campaignId: string, customerId: string) => ({ PK: recipientPk(campaignId, recipientShard(customerId)), SK: customerId });
export const recipientStatePk = (campaignId: string, state: string, shard: number) => `CMPRS#${campaignId}#${state}#${shard}`;
export const recipientStateKeys = (campaignId: string, state: string, customerId: string) => ({ GSI1PK: recipientStatePk(campaignId, state, recipientShard(customerId)), GSI1SK: customerId });
export const recipientWavePk = (campaignId: string, wave: string, shard: number) => `CMPW#${campaignId}#${wave}#${shard}`;
export const recipientWaveKeys = (campaignId: string, wave: string, customerId: string) => ({ GSI2PK: recipientWavePk(campaignId, wave, recipientShard(customerId)), GSI2SK: customerId });
/** The last campaign message a customer was sent (the "no other campaign in N days" exclusion). */
export const lastCampaignMessageKey = (customerId: string) => ({ PK: `CMPLAST#${customerId}`, SK: 'LAST' });
/** A coupon pool (`POOL`) with its counter shards (`CNT#nn`: uploaded, assigned); pools listed on GSI1. */
export const COUPON_SHARDS = 16;
export const couponPoolPk = (id: string) => `CPN#${id}`;
export const couponPoolKey = (id: string) => ({ PK: couponPoolPk(id), SK: 'POOL' });
export const COUPON_COUNTER_PREFIX = 'CNT#';
export const couponCounterKey = (poolId: string, shard: number) => ({ PK: couponPoolPk(poolId), SK: `${COUPON_COUNTER_PREFIX}${String(shard).padStart(2, '0')}` });
export const COUPON_POOLS_PK = 'CPNS';
export const couponPoolListKeys = (id: string) => ({ GSI1PK: COUPON_POOLS_PK, GSI1SK: id });
/** A code is its own item (unique in its pool); while unassigned it is listed on GSI1 by shard. */
export const couponCodeKey = (poolId: string, code: string) => ({ PK: `CPNC#${poolId}#${code}`, SK: 'CODE' });
export const couponAvailablePk = (poolId: string, shard: number) => `CPNA#${poolId}#${shard}`;
export const couponAvailableKeys = (poolId: string, code: string) => ({ GSI1PK: couponAvailablePk(poolId, shardOf(code, COUPON_SHARDS)), GSI1SK: code });

// ---- Analytics (issue 9): rollups kept from the event stream, facts per order and checkout, the event log, the full pass's series, runs, costs
/**
 * Rollups: counters per metric family, dimension (`all`, `store`, `channel`, ...) and UTC day,
 * spread over ROLLUP_SHARDS items by the thing counted, so a busy day is not one hot item. A period
 * of one family and dimension is one Query: `RU#<family>#<dim>` / `<day>#<value>#<shard>`.
 * Dimension values are URI-encoded (no `#` inside a key part).
 */
export const ROLLUP_SHARDS = 4;
export const rollupPk = (family: string, dim: string) => `RU#${family}#${dim}`;
export const rollupKey = (family: string, dim: string, day: string, value: string, shard: number) => ({ PK: rollupPk(family, dim), SK: `${day}#${encodeURIComponent(value)}#${shard}` });
export const rollupRange = (fromDay: string, toDay: string) => ({ from: `${fromDay}#`, to: `${toDay}#~` });
/** The day and dimension value of a rollup item's sort key. */
export function rollupSkParts(sk: string): { day: string; value: string } {
  const [day = '', value = ''] = sk.split('#');
  return { day, value: decodeURIComponent(value) };
}
/** What an order or checkout last contributed to the rollups (its facts and version): the next change moves the counters from it. */
export const rollupFactKey = (kind: 'order' | 'checkout', platform: string, store: string, id: string) => ({ PK: `RUF#${kind}#${platform}#${store}#${id}`, SK: 'RUF' });
/**
 * The analytics event log: each event the analytics consumers took, once (its put is the
 * exactly-once guard of its counters), by the UTC day it arrived, over EVENT_LOG_SHARDS partitions;
 * the lake export writes a day's events from one Query per shard. Kept EVENT_LOG_DAYS.
 */
export const EVENT_LOG_SHARDS = 8;
export const eventLogPk = (day: string, shard: number) => `ANE#${day}#${shard}`;
export const eventLogKey = (day: string, eventId: string) => ({ PK: eventLogPk(day, shardOf(eventId, EVENT_LOG_SHARDS)), SK: eventId });
/** A marker that an event was counted, kept as long as SQS could redeliver it (a DLQ replay included). */
export const rollupMarkerKey = (eventId: string) => ({ PK: `RUM#${eventId}`, SK: 'RUM' });
/**
 * The full pass's series, rewritten by each snapshot run: per granularity (`d`, `w`, `m`) and
 * slice (`all`, `store:<v>`, `channel:<v>`), one item per bucket (`ANS#<gran>#<slice>` / bucket
 * start); the state of the customer base per snapshot day; the retention cohorts per first-order month.
 */
export const seriesPk = (gran: 'd' | 'w' | 'm', slice: string) => `ANS#${gran}#${encodeURIComponent(slice)}`;
export const seriesKey = (gran: 'd' | 'w' | 'm', slice: string, bucket: string) => ({ PK: seriesPk(gran, slice), SK: bucket });
export const SNAPSHOT_STATE_PK = 'ANS#state';
export const snapshotStateKey = (day: string) => ({ PK: SNAPSHOT_STATE_PK, SK: day });
export const COHORTS_PK = 'ANS#cohort';
export const cohortKey = (month: string) => ({ PK: COHORTS_PK, SK: month });
/** The slices of the last snapshot (which store and channel series exist). */
export const SNAPSHOT_INDEX_KEY = { PK: 'ANS#index', SK: 'INDEX' } as const;
/** Snapshot and export runs: one item each, listed newest first on GSI1. */
export const analyticsRunKey = (id: string) => ({ PK: `ANR#${id}`, SK: 'RUN' });
export const ANALYTICS_RUNS_PK = 'ANRS';
export const analyticsRunListKeys = (startedAt: string, id: string) => ({ GSI1PK: ANALYTICS_RUNS_PK, GSI1SK: `${startedAt}#${id}` });
/** The days of events the lake has (the export's checkpoint). */
export const LAKE_CHECKPOINT_KEY = { PK: 'ANCFG', SK: 'LAKE' } as const;
/** Marketing costs entered per month (acquisition spend per channel, journey costs): one partition. */
export const COSTS_PK = 'ANCOST';
export const costsKey = (month: string) => ({ PK: COSTS_PK, SK: month });
/** Object keys of the analytics lake (Hive-style `dt=` partitions Athena reads). */
export const LAKE_PREFIX = 'analytics/';
export const lakeObjectKey = (table: 'customers' | 'orders' | 'events', day: string, part: number) => `${LAKE_PREFIX}${table}/dt=${day}/part-${String(part).padStart(5, '0')}.json.gz`;
