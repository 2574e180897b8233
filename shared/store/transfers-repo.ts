import { BatchGetCommand, BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { JOB_RETENTION_DAYS, type Checkpoint, type ExportJob, type ImportCounters, type ImportJob, type RowError, type RowOutcome } from '../domain/transfers';
import type { Db } from './client';
import { queryAll } from './query-all';
import { EXPORT_JOBS_PK, exportJobKey, exportJobListKeys, IMPORT_ERROR_PREFIX, importErrorKey, importJobKey, importPk, importRowKey, stripKeys } from './keys';

export const IMPORT_JOB_ENTITY = 'import-job';
export const IMPORT_ROW_ENTITY = 'import-row';
export const IMPORT_ERROR_ENTITY = 'import-error';
export const EXPORT_JOB_ENTITY = 'export-job';

const ttlFrom = (iso: string) => Math.floor(Date.parse(iso) / 1000) + JOB_RETENTION_DAYS * 86_400;
const conditionFailed = (e: unknown) => e instanceof ConditionalCheckFailedException || (e as { name?: string }).name === 'ConditionalCheckFailedException';
const COUNTERS: (keyof ImportCounters)[] = ['read', 'imported', 'merged', 'skipped', 'failed'];

/**
 * Import and export jobs. A chunk of an import is committed by one conditional update that moves
 * the checkpoint and adds the chunk's counters, guarded by the checkpoint it started from: a chunk
 * retried after a crash, or processed twice by two deliveries of one message, is counted once.
 */
export class TransfersRepo {
  constructor(private readonly db: Db) {}

  private async update(key: Record<string, string>, set: Record<string, unknown>, condition: string, values: Record<string, unknown> = {}): Promise<Record<string, unknown> | undefined> {
    const names: Record<string, string> = {};
    const vals: Record<string, unknown> = { ...values };
    const sets = Object.entries(set).map(([k, v], i) => {
      names[`#s${i}`] = k;
      vals[`:s${i}`] = v;
      return `#s${i} = :s${i}`;
    });
    try {
      const res = await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: key,
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: { ...names, '#status': 'status' },
          ExpressionAttributeValues: vals,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return res.Attributes;
    } catch (e) {
      if (conditionFailed(e)) return undefined;
      throw e;
    }
  }

  // ---- imports

  async createImport(job: ImportJob): Promise<void> {
    await this.db.doc.send(
      new PutCommand({ TableName: this.db.tableName, Item: { ...importJobKey(job.id), entity: IMPORT_JOB_ENTITY, ...job, ttl: ttlFrom(job.createdAt) }, ConditionExpression: 'attribute_not_exists(PK)' }),
    );
  }

  async getImport(id: string): Promise<ImportJob | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: importJobKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<ImportJob>(res.Item) : undefined;
  }

  /** created → uploaded, recording the file size; undefined when the job was not `created`. */
  async markUploaded(id: string, size: number, now: string): Promise<ImportJob | undefined> {
    const item = await this.update(importJobKey(id), { status: 'uploaded', fileSize: size, updatedAt: now }, '#status = :created', { ':created': 'created' });
    return item ? stripKeys<ImportJob>(item) : undefined;
  }

  /** uploaded → running (the first chunk); false when it is already running or over. */
  async markRunning(id: string, now: string): Promise<boolean> {
    return !!(await this.update(importJobKey(id), { status: 'running', startedAt: now, updatedAt: now }, '#status = :uploaded', { ':uploaded': 'uploaded' }));
  }

  async failImport(id: string, failure: string, now: string): Promise<boolean> {
    const cond = '#status IN (:uploaded, :running)';
    return !!(await this.update(importJobKey(id), { status: 'failed', failure, finishedAt: now, updatedAt: now }, cond, { ':uploaded': 'uploaded', ':running': 'running' }));
  }

  /** Outcomes already recorded for these rows (by a run of the chunk that did not commit). */
  async rowOutcomes(id: string, lines: number[]): Promise<Map<number, RowOutcome>> {
    const out = new Map<number, RowOutcome>();
    for (let i = 0; i < lines.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = lines.slice(i, i + 100).map((l) => importRowKey(id, l));
      while (keys?.length) {
        const res = await this.db.doc.send(new BatchGetCommand({ RequestItems: { [this.db.tableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of res.Responses?.[this.db.tableName] ?? []) out.set(item.row as number, item.outcome as RowOutcome);
        keys = res.UnprocessedKeys?.[this.db.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return out;
  }

  /** Records a row's outcome before the row is applied; when one is recorded already, that one wins. */
  async recordRowOutcome(id: string, row: number, outcome: RowOutcome, now: string): Promise<RowOutcome> {
    const key = importRowKey(id, row);
    try {
      await this.db.doc.send(new PutCommand({ TableName: this.db.tableName, Item: { ...key, entity: IMPORT_ROW_ENTITY, row, outcome, ttl: ttlFrom(now) }, ConditionExpression: 'attribute_not_exists(PK)' }));
      return outcome;
    } catch (e) {
      if (!conditionFailed(e)) throw e;
      const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: key, ConsistentRead: true }));
      return (res.Item?.outcome as RowOutcome | undefined) ?? outcome;
    }
  }

  /** Failed rows of a chunk for the error report; rewriting one is harmless (same key, same content). */
  async putErrors(id: string, errors: RowError[], now: string): Promise<void> {
    for (let i = 0; i < errors.length; i += 25) {
      let requests: Record<string, unknown>[] | undefined = errors.slice(i, i + 25).map((e) => ({
        PutRequest: { Item: { ...importErrorKey(id, e.row), entity: IMPORT_ERROR_ENTITY, row: e.row, issues: e.issues, ttl: ttlFrom(now) } },
      }));
      for (let attempt = 0; requests?.length; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** Math.min(attempt, 6)));
        const res = await this.db.doc.send(new BatchWriteCommand({ RequestItems: { [this.db.tableName]: requests as never } }));
        requests = res.UnprocessedItems?.[this.db.tableName] as Record<string, unknown>[] | undefined;
      }
    }
  }

  async listErrors(id: string, limit: number, start?: Record<string, unknown>): Promise<{ items: RowError[]; next?: Record<string, unknown> }> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :err)',
        ExpressionAttributeValues: { ':pk': importPk(id), ':err': IMPORT_ERROR_PREFIX },
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    return { items: (res.Items ?? []).map((i) => ({ row: i.row as number, issues: i.issues as RowError['issues'] })), ...(res.LastEvaluatedKey ? { next: res.LastEvaluatedKey } : {}) };
  }

  /**
   * Moves the checkpoint from `from` to `to` and adds the chunk's counters, once: false when the
   * checkpoint is no longer at `from` (another delivery committed this chunk) or the job stopped.
   */
  async commitChunk(id: string, from: number, to: Checkpoint, delta: ImportCounters, done: boolean, now: string): Promise<boolean> {
    const vals: Record<string, unknown> = { ':from': from, ':running': 'running', ':cp': to, ':now': now };
    const adds = COUNTERS.map((c) => `#counters.#${c} = #counters.#${c} + :${c}`);
    for (const c of COUNTERS) vals[`:${c}`] = delta[c];
    const names: Record<string, string> = { '#status': 'status', '#counters': 'counters', '#cp': 'checkpoint', ...Object.fromEntries(COUNTERS.map((c) => [`#${c}`, c])) };
    const sets = ['#cp = :cp', 'updatedAt = :now', ...adds];
    if (done) {
      sets.push('#status = :completed', 'finishedAt = :now');
      vals[':completed'] = 'completed';
    }
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: importJobKey(id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#cp.#offset = :from AND #status = :running',
          ExpressionAttributeNames: { ...names, '#offset': 'offset' },
          ExpressionAttributeValues: vals,
        }),
      );
      return true;
    } catch (e) {
      if (conditionFailed(e)) return false;
      throw e;
    }
  }

  // ---- exports

  async createExport(job: ExportJob): Promise<void> {
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: { ...exportJobKey(job.id), ...exportJobListKeys(job.createdAt, job.id), entity: EXPORT_JOB_ENTITY, ...job, ttl: ttlFrom(job.createdAt) },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async getExport(id: string): Promise<ExportJob | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: exportJobKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<ExportJob>(res.Item) : undefined;
  }

  /** created → running; a retried run (still `running`) may go on. The job as it is now, undefined when the export is over. */
  async markExportRunning(id: string, now: string): Promise<ExportJob | undefined> {
    const item = await this.update(exportJobKey(id), { status: 'running', updatedAt: now }, '#status IN (:created, :running)', { ':created': 'created', ':running': 'running' });
    return item ? stripKeys<ExportJob>(item) : undefined;
  }

  /**
   * running → completed, unless an erasure ran since the run began (`erasures` is no longer what
   * the run saw when it started): false then, or when the export is over.
   */
  async completeExport(id: string, rows: number, fileSize: number, now: string, erasuresSeen = 0): Promise<boolean> {
    const unchanged = erasuresSeen ? 'erasures = :seen' : 'attribute_not_exists(erasures)';
    return !!(await this.update(exportJobKey(id), { status: 'completed', rows, fileSize, finishedAt: now, updatedAt: now }, `#status = :running AND ${unchanged}`, {
      ':running': 'running',
      ...(erasuresSeen ? { ':seen': erasuresSeen } : {}),
    }));
  }

  /** Export jobs created at or after `sinceIso`, oldest first (GSI1 `EXPS`; a bounded Query: job items expire in 30 days). */
  async exportsCreatedSince(sinceIso: string): Promise<ExportJob[]> {
    const items = await queryAll(this.db, {
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK >= :since',
      ExpressionAttributeValues: { ':pk': EXPORT_JOBS_PK, ':since': sinceIso },
    });
    return items.map((i) => stripKeys<ExportJob>(i));
  }

  /** A completed export's file removed by an erasure (once: false when it is not completed or was marked already). */
  async markExportRemoved(id: string, erasureId: string, now: string): Promise<boolean> {
    return !!(await this.update(exportJobKey(id), { removedAt: now, removedBy: erasureId, updatedAt: now }, '#status = :completed AND attribute_not_exists(removedAt)', { ':completed': 'completed' }));
  }

  /** An erasure ran while the export was not completed: a run that began before it must read again (false when it is over). */
  async noteErasure(id: string, now: string): Promise<boolean> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: exportJobKey(id),
          UpdateExpression: 'SET updatedAt = :now ADD erasures :one',
          ConditionExpression: '#status IN (:created, :running)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':now': now, ':one': 1, ':created': 'created', ':running': 'running' },
        }),
      );
      return true;
    } catch (e) {
      if (conditionFailed(e)) return false;
      throw e;
    }
  }

  async failExport(id: string, failure: string, now: string): Promise<boolean> {
    return !!(await this.update(exportJobKey(id), { status: 'failed', failure, finishedAt: now, updatedAt: now }, '#status IN (:created, :running)', { ':created': 'created', ':running': 'running' }));
  }
}
