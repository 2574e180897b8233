import { BatchWriteCommand, GetCommand, QueryCommand, ScanCommand, UpdateCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../domain/errors';
import type { Customer } from '../domain/customer';
import { EMPTY_AGGREGATES, type Aggregates } from '../domain/orders';
import type { CustomerState } from '../domain/segmentation/definitions';
import { JOB_RETENTION_DAYS } from '../domain/transfers';
import type { Db } from './client';
import { CUSTOMER_PK_PREFIX, customerIdFromPk, HEADER_SK_PREFIX, JOB_PART_PREFIX, jobKey, KEY_ATTRIBUTES, jobPartKey, jobPk, jobSubjectKey, segmentRefKeys, SK, stripKeys } from './keys';
import type { CustomerHeader } from './membership-repo';
import { transactWrite, type TransactItem } from './transact';
import { decryptProfile } from './pii-cipher';

export const JOB_ENTITY = 'job';
export const JOB_PART_ENTITY = 'job-part';
export const JOB_SUBJECT_ENTITY = 'job-subject';

/**
 * Background jobs that walk many customers: segment backfills and rescores (a parallel Scan, one
 * part per Scan segment), bulk tag changes and segment clean-ups (one part walking an index).
 * A job is one item plus one item per part; each part keeps its own checkpoint and counters and
 * moves them together in one conditional update guarded by the number of steps it committed, so a
 * step retried after a crash or a timeout, or delivered twice, is counted once. Progress is the
 * sum over the parts, read with the job in one Query; 16 parts never write one hot item.
 */
// Campaigns (issue 6) added 'campaign-fanout' (a campaign's audience into recipients) and 'campaign-deliver' (one wave's sends).
export const JOB_KINDS = ['backfill', 'rescore', 'bulk-tags', 'segment-cleanup', 'campaign-fanout', 'campaign-deliver'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** Every counter a part keeps (a kind uses some): Scan items read, customers evaluated or visited, customers changed, failures. */
export const JOB_COUNTERS = ['scanned', 'customers', 'processed', 'changed', 'failed'] as const;
export type JobCounter = (typeof JOB_COUNTERS)[number];
export type JobCounters = Record<JobCounter, number>;
export const ZERO_JOB_COUNTERS: JobCounters = { scanned: 0, customers: 0, processed: 0, changed: 0, failed: 0 };

export interface Job {
  id: string;
  kind: JobKind;
  status: JobStatus;
  /** What the job works for (`segment:<id>`, `tag:<name>`, `settings:value`); its pointer names the subject's current job. */
  subject?: string;
  /** What the kind needs (segment id and version, tags to add and remove, the target, ...). */
  params: Record<string, unknown>;
  parts: number;
  /** Customers to visit, when known up front. */
  total?: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** Why it failed, or which job superseded it. */
  failure?: string;
}

export interface JobPart {
  part: number;
  /** Steps committed so far; the next commit is guarded by it. */
  step: number;
  /** Where the next step starts (a Scan's LastEvaluatedKey, a list cursor); absent at the start. */
  checkpoint?: unknown;
  done: boolean;
  counters: JobCounters;
  updatedAt: string;
}

const ttlFrom = (iso: string) => Math.floor(Date.parse(iso) / 1000) + JOB_RETENTION_DAYS * 86_400;
const conditionFailed = (e: unknown) => e instanceof ConditionalCheckFailedException || (e as { name?: string }).name === 'ConditionalCheckFailedException';

/** A page of one Scan segment, header items of customer partitions only (`CUST#…` / `~…`). */
export interface ScanPage {
  items: Record<string, unknown>[];
  /** Items the Scan read (before the filter). */
  scannedCount: number;
  lastKey?: Record<string, unknown>;
}

/** Attributes of the layout (and of profile bookkeeping) left out when an item becomes a domain object. */
const NOT_DATA = new Set<string>([...KEY_ATTRIBUTES, 'streamSeq', 'mergeLock', 'createdVia', 'correlationId']);

/**
 * A copy of an item without its layout attributes, built by adding properties (no `delete`, which
 * turns objects into slow dictionaries): a backfill makes one per header item of every customer.
 */
function dataOf<T>(item: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const k in item) if (!NOT_DATA.has(k)) out[k] = item[k];
  return out as T;
}

/** One customer's header items, as MembershipRepo.header reads them, from items a Scan returned. */
export function headerFromItems(items: readonly Record<string, unknown>[]): CustomerHeader {
  const out: CustomerHeader = { aggregates: EMPTY_AGGREGATES, memberships: [] };
  for (const item of items) {
    const sk = item.SK as string;
    if (sk === SK.profile) out.profile = decryptProfile(dataOf<Customer & Record<string, unknown>>(item));
    else if (sk === SK.aggregates) out.aggregates = dataOf<Aggregates>(item);
    else if (sk === SK.state) out.state = dataOf<CustomerState>(item);
    else if (sk.startsWith(SK.segmentRefPrefix)) out.memberships.push(item.segmentId as string);
  }
  return out;
}

export const customerIdOfItem = (item: Record<string, unknown>) => customerIdFromPk(item.PK as string);

export class JobsRepo {
  constructor(private readonly db: Db) {}

  /** The job and its parts (every counter at zero), and the subject's pointer to it, in one transaction. */
  async create(job: Job): Promise<void> {
    const { tableName } = this.db;
    const ttl = ttlFrom(job.createdAt);
    const items: TransactItem[] = [
      { Put: { TableName: tableName, Item: { ...jobKey(job.id), entity: JOB_ENTITY, ...job, ttl }, ConditionExpression: 'attribute_not_exists(PK)' } },
      ...Array.from({ length: job.parts }, (_, part): TransactItem => ({
        Put: { TableName: tableName, Item: { ...jobPartKey(job.id, part), entity: JOB_PART_ENTITY, part, step: 0, done: false, counters: { ...ZERO_JOB_COUNTERS }, updatedAt: job.createdAt, ttl } },
      })),
      ...(job.subject ? [{ Put: { TableName: tableName, Item: { ...jobSubjectKey(job.subject), entity: JOB_SUBJECT_ENTITY, subject: job.subject, jobId: job.id, kind: job.kind, at: job.createdAt } } }] : []),
    ];
    await transactWrite(this.db, items, () => new ConflictError(`Job ${job.id} exists already.`));
  }

  /** The job with its parts (consistent), or undefined. */
  async get(id: string): Promise<{ job: Job; parts: JobPart[] } | undefined> {
    let job: Job | undefined;
    const parts: JobPart[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({ TableName: this.db.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': jobPk(id) }, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      for (const item of res.Items ?? []) {
        if ((item.SK as string).startsWith(JOB_PART_PREFIX)) parts.push(stripKeys<JobPart>(item));
        else if (item.SK === jobKey(id).SK) job = stripKeys<Job>(item);
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return job ? { job, parts: parts.sort((a, b) => a.part - b.part) } : undefined;
  }

  async getJob(id: string): Promise<Job | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: jobKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<Job>(res.Item) : undefined;
  }

  async getPart(id: string, part: number): Promise<JobPart | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: jobPartKey(id, part), ConsistentRead: true }));
    return res.Item ? stripKeys<JobPart>(res.Item) : undefined;
  }

  /**
   * Commits one step of a part: the new checkpoint (or done) and the step's counters, once. False
   * when the part moved on meanwhile (another delivery committed this step) or is done.
   */
  async commit(id: string, part: number, fromStep: number, next: { checkpoint?: unknown; done: boolean }, delta: Partial<JobCounters>, now: string): Promise<boolean> {
    const names: Record<string, string> = { '#step': 'step', '#done': 'done' };
    const values: Record<string, unknown> = { ':from': fromStep, ':next': fromStep + 1, ':done': next.done, ':no': false, ':now': now };
    const sets = ['#step = :next', '#done = :done', 'updatedAt = :now'];
    for (const [k, v] of Object.entries(delta)) {
      if (!v) continue;
      names['#c'] = 'counters';
      names[`#${k}`] = k;
      values[`:${k}`] = v;
      sets.push(`#c.#${k} = #c.#${k} + :${k}`);
    }
    let remove = '';
    if (next.checkpoint !== undefined) {
      names['#cp'] = 'checkpoint';
      sets.push('#cp = :cp');
      values[':cp'] = next.checkpoint;
    } else if (next.done) {
      names['#cp'] = 'checkpoint';
      remove = ' REMOVE #cp';
    }
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: jobPartKey(id, part),
          UpdateExpression: `SET ${sets.join(', ')}${remove}`,
          ConditionExpression: '#step = :from AND #done = :no',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (e) {
      if (conditionFailed(e)) return false;
      throw e;
    }
  }

  /** running → completed, failed or cancelled, once; false when it was over already. */
  async finish(id: string, status: Exclude<JobStatus, 'running'>, now: string, failure?: string): Promise<boolean> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: jobKey(id),
          UpdateExpression: `SET #s = :s, finishedAt = :now, updatedAt = :now${failure ? ', failure = :f' : ''}`,
          ConditionExpression: '#s = :running',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': status, ':now': now, ':running': 'running', ...(failure ? { ':f': failure.slice(0, 1000) } : {}) },
        }),
      );
      return true;
    } catch (e) {
      if (conditionFailed(e)) return false;
      throw e;
    }
  }

  async setTotal(id: string, total: number): Promise<void> {
    await this.db.doc.send(new UpdateCommand({ TableName: this.db.tableName, Key: jobKey(id), UpdateExpression: 'SET #t = :t', ExpressionAttributeNames: { '#t': 'total' }, ExpressionAttributeValues: { ':t': total } }));
  }

  /** The current job of a subject (the last one started for it). */
  async currentJobOf(subject: string): Promise<string | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: jobSubjectKey(subject), ConsistentRead: true }));
    return res.Item?.jobId as string | undefined;
  }

  /**
   * One page of Scan segment `segment` of `totalSegments`, keeping the header items of customer
   * partitions (a customer's items are contiguous in a Scan, their header items last). Consistent,
   * so a state read here is the state a guarded write compares with.
   */
  async scanHeaders(segment: number, totalSegments: number, start: Record<string, unknown> | undefined, limit?: number): Promise<ScanPage> {
    const res = await this.db.doc.send(
      new ScanCommand({
        TableName: this.db.tableName,
        Segment: segment,
        TotalSegments: totalSegments,
        FilterExpression: 'begins_with(PK, :c) AND begins_with(SK, :h)',
        ExpressionAttributeValues: { ':c': CUSTOMER_PK_PREFIX, ':h': HEADER_SK_PREFIX },
        ConsistentRead: true,
        ...(limit ? { Limit: limit } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    return { items: res.Items ?? [], scannedCount: res.ScannedCount ?? 0, ...(res.LastEvaluatedKey ? { lastKey: res.LastEvaluatedKey } : {}) };
  }

  /** Removes a segment's refs from these customers' partitions (a deleted segment's clean-up). */
  async removeSegmentRefs(segmentId: string, customerIds: readonly string[]): Promise<void> {
    const requests = customerIds.map((id) => {
      const { PK, SK: sk } = segmentRefKeys(id, segmentId);
      return { DeleteRequest: { Key: { PK, SK: sk } } };
    });
    for (let i = 0; i < requests.length; i += 25) {
      let batch: unknown[] | undefined = requests.slice(i, i + 25);
      for (let attempt = 0; batch && batch.length; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
        const res: BatchWriteCommandOutput = await this.db.doc.send(new BatchWriteCommand({ RequestItems: { [this.db.tableName]: batch as never } }));
        batch = res.UnprocessedItems?.[this.db.tableName];
      }
    }
  }
}
