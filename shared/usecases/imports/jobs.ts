import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors';
import { fieldsOf, TRANSFER_RETENTION_DAYS, ZERO_COUNTERS, type DedupMode, type ImportFormat, type ImportJob, type ImportKind } from '../../domain/transfers';
import { SIGNED_URL_SECONDS, type BlobStore, type SignedUrl } from '../../runtime/blob-store';
import type { MessageQueue } from '../../runtime/message-queue';
import { countMetric } from '../../runtime/observability';
import { importFileKey } from '../../store/keys';
import type { Ctx } from '../customers';

/** Creating and starting import jobs, and how a job is shown (`GET /v1/imports/{id}`). */
export interface NewImport {
  kind: ImportKind;
  format: ImportFormat;
  mapping?: Record<string, string>;
  options?: { dedup?: DedupMode };
}

export const CONTENT_TYPES: Record<ImportFormat, string> = { csv: 'text/csv', jsonl: 'application/x-ndjson' };

/** The work-queue message that asks for the next step of a job. */
export const importMessage = (jobId: string) => JSON.stringify({ jobId });

export async function createImport(ctx: Ctx, blobs: BlobStore, input: NewImport): Promise<{ job: ImportJob; upload: SignedUrl }> {
  const known = fieldsOf(input.kind);
  const mapping = input.mapping ?? {};
  const unknown = Object.keys(mapping).filter((f) => !known.includes(f));
  if (unknown.length) {
    throw new ValidationError(unknown.map((f) => ({ field: `mapping.${f}`, message: `is not a field of ${input.kind} imports (fields: ${known.join(', ')})` })));
  }
  const now = ctx.deps.clock.now().toISOString();
  const id = ctx.deps.ids.next();
  const job: ImportJob = {
    id,
    kind: input.kind,
    format: input.format,
    mapping,
    options: { dedup: input.options?.dedup ?? 'merge' },
    status: 'created',
    createdBy: ctx.actorId,
    createdAt: now,
    updatedAt: now,
    fileKey: importFileKey(id),
    checkpoint: { offset: 0, line: 1 },
    counters: { ...ZERO_COUNTERS },
  };
  await ctx.deps.transfers.createImport(job);
  const upload = await blobs.uploadUrl(job.fileKey, { contentType: CONTENT_TYPES[job.format], expiresInSeconds: SIGNED_URL_SECONDS });
  countMetric('ImportsCreated');
  return { job, upload };
}

export async function requireImport(ctx: Ctx, id: string): Promise<ImportJob> {
  const job = await ctx.deps.transfers.getImport(id);
  if (!job) throw new NotFoundError('Import', id);
  return job;
}

/**
 * Confirms the upload (the file is there and not empty) and queues the job. Starting again is
 * harmless: a job still waiting for its first step is queued again, a running or finished one is
 * answered as it is.
 */
export async function startImport(ctx: Ctx, blobs: BlobStore, queue: MessageQueue, id: string): Promise<ImportJob> {
  let job = await requireImport(ctx, id);
  if (job.status === 'created') {
    const file = await blobs.head(job.fileKey);
    if (!file) throw new ConflictError('No file has been uploaded yet: PUT it to the upload URL this import was created with, then start it.', { status: job.status });
    if (file.size === 0) throw new ConflictError('The uploaded file is empty: upload the file again, then start the import.', { status: job.status });
    job = (await ctx.deps.transfers.markUploaded(id, file.size, ctx.deps.clock.now().toISOString())) ?? (await requireImport(ctx, id));
  }
  if (job.status === 'uploaded') await queue.send('import', importMessage(id));
  return job;
}

/** What a client sees of a job: status, progress, and where its parts are. */
export function presentImport(job: ImportJob, upload?: SignedUrl) {
  const c = job.counters;
  const self = `/v1/imports/${job.id}`;
  return {
    id: job.id,
    kind: job.kind,
    format: job.format,
    mapping: job.mapping,
    options: job.options,
    status: job.status,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...(job.startedAt ? { startedAt: job.startedAt } : {}),
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    ...(job.failure ? { failure: job.failure } : {}),
    progress: {
      bytesRead: job.checkpoint.offset,
      ...(job.fileSize !== undefined ? { bytesTotal: job.fileSize } : {}),
      rowsRead: c.read,
      imported: c.imported,
      merged: c.merged,
      skipped: c.skipped,
      failed: c.failed,
    },
    links: { self, start: `${self}/start`, errors: `${self}/errors` },
    ...(upload ? { upload } : {}),
    retentionDays: TRANSFER_RETENTION_DAYS,
  };
}
