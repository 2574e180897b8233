import { readCsv, readJsonl, type SourceRecord } from '../../domain/csv';
import { DomainError } from '../../domain/errors';
import { IngestError } from '../../domain/ingest';
import { MAX_STORED_ERRORS, ZERO_COUNTERS, type ImportCounters, type ImportJob, type RowError, type RowIssue, type RowOutcome } from '../../domain/transfers';
import type { BlobStore } from '../../runtime/blob-store';
import { countMetric } from '../../runtime/observability';
import type { Ctx } from '../customers';
import { applyCustomerRow, applyOrderRow, customerOutcome, orderOutcome } from './apply-row';
import { customerRow, orderRow, planFor, rowValues, type Plan } from './rows';

/**
 * One step of an import job: the next chunk of rows (500 by default) read from the checkpoint,
 * each row applied idempotently, then the checkpoint moved and the chunk's counters added in one
 * conditional write. A step that dies before that write is simply run again from the same
 * checkpoint: rows it had applied are applied again without effect and counted as they were the
 * first time (their recorded outcome), so a crash never double-counts.
 */
export const ROWS_PER_STEP = 500;
/** First read of a step; doubled (up to the longest row allowed) while not one whole row fits. */
export const READ_BYTES = 1 << 20;
export const MAX_ROW_BYTES = 16 << 20;

export interface StepOptions {
  maxRows?: number;
  readBytes?: number;
  /** Epoch ms after which the step commits what it has (the function is about to time out). */
  deadline?: number;
}

/** `more`: send the next step; `done`: the job completed or failed; `idle`: nothing to do (over, or another delivery did it). */
export type StepResult = 'more' | 'done' | 'idle';

interface Applied {
  outcome: RowOutcome;
  issues?: RowIssue[];
}

const failed = (issues: RowIssue[]): Applied => ({ outcome: 'failed', issues });

/** Rows applied at once (about 20 people's lanes of a typical orders file); the checkpoint only moves after a whole wave, so a timeout never counts a row twice. */
const WAVE = 64;

/** Rows of one person share a lane (applied in file order, so they never race); lanes run concurrently. */
function laneOf(plan: Plan, rec: SourceRecord): string {
  const v = rowValues(plan, rec);
  if (!v.ok) return `row:${rec.line}`;
  const x = v.value;
  return x.customerId ?? x.platformCustomerId ?? x.externalId ?? x.email?.trim().toLowerCase() ?? x.phone?.replace(/\D/g, '') ?? `row:${rec.line}`;
}

async function applyWave(ctx: Ctx, job: ImportJob, plan: Plan, wave: SourceRecord[], known: Map<number, RowOutcome>): Promise<Applied[]> {
  const lanes = new Map<string, number[]>();
  wave.forEach((rec, n) => {
    const key = laneOf(plan, rec);
    lanes.set(key, [...(lanes.get(key) ?? []), n]);
  });
  const results: Applied[] = new Array(wave.length);
  await Promise.all(
    [...lanes.values()].map(async (idx) => {
      for (const n of idx) results[n] = await applyRecord(ctx, job, plan, wave[n]!, known);
    }),
  );
  return results;
}

async function applyRecord(ctx: Ctx, job: ImportJob, plan: Plan, rec: SourceRecord, known: Map<number, RowOutcome>): Promise<Applied> {
  const { deps } = ctx;
  const values = rowValues(plan, rec);
  if (!values.ok) return failed(values.issues);
  const region = deps.config.defaultPhoneRegion;
  const { dedup } = job.options;
  const remember = (outcome: RowOutcome) => deps.transfers.recordRowOutcome(job.id, rec.line, outcome, deps.clock.now().toISOString());
  try {
    if (job.kind === 'customers') {
      const row = customerRow(values.value, region);
      if (!row.ok) return failed(row.issues);
      const outcome = known.get(rec.line) ?? (await remember(await customerOutcome(ctx, row.value, dedup)));
      if (outcome !== 'skipped') await applyCustomerRow(ctx, row.value, dedup);
      return { outcome };
    }
    const row = orderRow(values.value, region);
    if (!row.ok) return failed(row.issues);
    const outcome = known.get(rec.line) ?? (await remember(await orderOutcome(ctx, row.value, dedup)));
    await applyOrderRow(ctx, job.id, rec.line, row.value, outcome);
    return { outcome };
  } catch (e) {
    // Refused by a domain rule (limits, a conflict that stays): the row fails with the reason; anything else retries the step.
    if (e instanceof IngestError) return failed([{ field: e.field ?? 'row', reason: e.reason }]);
    if (e instanceof DomainError) {
      const field = (e.extra.field as string | undefined) ?? ((e.extra.errors as { field: string }[] | undefined)?.[0]?.field ?? 'row');
      return failed([{ field, reason: e.message }]);
    }
    throw e;
  }
}

async function fail(ctx: Ctx, job: ImportJob, reason: string): Promise<StepResult> {
  await ctx.deps.transfers.failImport(job.id, reason, ctx.deps.clock.now().toISOString());
  countMetric('ImportsFailed');
  return 'done';
}

export async function importStep(ctx: Ctx, blobs: BlobStore, jobId: string, opts: StepOptions = {}): Promise<StepResult> {
  const { deps } = ctx;
  const job = await deps.transfers.getImport(jobId);
  if (!job || (job.status !== 'uploaded' && job.status !== 'running')) return 'idle';
  if (job.status === 'uploaded') await deps.transfers.markRunning(jobId, deps.clock.now().toISOString());
  const file = await blobs.head(job.fileKey);
  if (!file) return fail(ctx, job, 'the uploaded file is gone (uploads are kept 7 days); create a new import');
  if (job.fileSize !== undefined && file.size !== job.fileSize) return fail(ctx, job, 'the file was replaced while it was being imported; create a new import');
  const size = file.size;

  const { offset, line } = job.checkpoint;
  let columns = job.checkpoint.columns;
  const maxRows = opts.maxRows ?? ROWS_PER_STEP;
  const needHeader = job.format === 'csv' && !columns;
  const reader = job.format === 'csv' ? readCsv : readJsonl;
  let want = opts.readBytes ?? READ_BYTES;
  let read;
  for (;;) {
    const buf = await blobs.read(job.fileKey, offset, Math.max(0, Math.min(want, size - offset)));
    const eof = offset + buf.length >= size;
    read = reader(buf, { base: offset, line, eof, maxRecords: maxRows + (needHeader ? 1 : 0) });
    if (read.records.length > (needHeader ? 1 : 0) || eof) break;
    if (want >= MAX_ROW_BYTES) return fail(ctx, job, `the row at line ${read.nextLine} is longer than ${MAX_ROW_BYTES >> 20} MiB (is a quote never closed?)`);
    want = Math.min(want * 4, MAX_ROW_BYTES);
  }
  let records = read.records;
  let start = { offset, line };
  if (needHeader) {
    const header = records[0];
    if (!header) return fail(ctx, job, 'the file is empty: the first line must be a header naming the columns');
    if (header.error) return fail(ctx, job, `the header (line ${header.line}) ${header.error}`);
    columns = header.fields.map((c) => c.trim());
    records = records.slice(1);
    start = { offset: header.end, line: header.nextLine };
  }
  const planned = planFor(job, columns);
  if (!planned.ok) return fail(ctx, job, planned.reason);

  const known = await deps.transfers.rowOutcomes(jobId, records.map((r) => r.line));
  const rowCtx: Ctx = { deps, correlationId: `import:${jobId}`, actorId: job.createdBy };
  const delta: ImportCounters = { ...ZERO_COUNTERS };
  const errors: RowError[] = [];
  let next = start;
  let all = true;
  for (let i = 0; i < records.length; i += WAVE) {
    if (opts.deadline && Date.now() > opts.deadline && delta.read > 0) {
      all = false;
      break;
    }
    const wave = records.slice(i, i + WAVE);
    const results = await applyWave(rowCtx, job, planned.plan, wave, known);
    wave.forEach((rec, n) => {
      const r = results[n]!;
      delta.read++;
      delta[r.outcome]++;
      if (r.issues && job.counters.failed + errors.length < MAX_STORED_ERRORS) errors.push({ row: rec.line, issues: r.issues });
      next = { offset: rec.end, line: rec.nextLine };
    });
  }
  if (all) next = { offset: read.next, line: read.nextLine };
  const done = all && read.next >= size;
  const now = deps.clock.now().toISOString();
  if (errors.length) await deps.transfers.putErrors(jobId, errors, now);
  const committed = await deps.transfers.commitChunk(jobId, offset, { ...next, ...(columns ? { columns } : {}) }, delta, done, now);
  if (!committed) return 'idle';
  countMetric('ImportRows', delta.read);
  if (done) countMetric('ImportsCompleted');
  return done ? 'done' : 'more';
}
