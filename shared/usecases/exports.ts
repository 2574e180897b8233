import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import { normalizeEmail } from '../domain/identity';
import { removedByErasure } from '../domain/privacy';
import { TRANSFER_RETENTION_DAYS, type ExportFilter, type ExportJob } from '../domain/transfers';
import type { Principal } from '../http/principal';
import { SIGNED_URL_SECONDS, type BlobStore, type SignedUrl } from '../runtime/blob-store';
import { countMetric } from '../runtime/observability';
import { exportFileKey } from '../store/keys';
import type { Ctx } from './customers';

/**
 * Customer exports: a job records the filter and whether the caller could read PII; a worker
 * writes the CSV (./export-run.ts, masked as the API masks it unless they could) to the blob store;
 * the job then offers a short-lived download URL, only to callers allowed to see what the file holds.
 */
/** The export filter with a segment's members as one more way of choosing (issue 4). */
export type CustomerExportFilter = ExportFilter & { segmentId?: string };

/** Exactly one way of choosing: everyone, one identity, a name prefix (as `GET /v1/customers` searches), or a segment's members. */
export function checkFilter(f: CustomerExportFilter): void {
  const modes = [f.all, f.email, f.phone, f.externalId, f.platformId, f.name, f.segmentId].filter((v) => v !== undefined && v !== false);
  if (modes.length !== 1) throw ValidationError.field('filter', 'give exactly one of all: true, email, phone, externalId, platform+store+platformId, name or segmentId');
  if (f.platformId !== undefined && (!f.platform || !f.store)) throw ValidationError.field('filter.platform', 'platform and store are required with platformId');
  // Emails are checked here; phones by the worker (phone metadata is 117 KB this function does without).
  if (f.email !== undefined && !normalizeEmail(f.email).ok) throw ValidationError.field('filter.email', 'is not a valid email address');
}

export async function createExport(ctx: Ctx, filter: CustomerExportFilter, principal: Principal): Promise<ExportJob> {
  checkFilter(filter);
  if (filter.segmentId !== undefined && !(await ctx.deps.definitions.getSegment(filter.segmentId))) throw ValidationError.field('filter.segmentId', `no segment has the id ${JSON.stringify(filter.segmentId)}`);
  const now = ctx.deps.clock.now().toISOString();
  const id = ctx.deps.ids.next();
  const job: ExportJob = { id, kind: 'customers', filter, piiVisible: principal.can('pii:read'), status: 'created', createdBy: principal.sub, createdAt: now, updatedAt: now, fileKey: exportFileKey(id), rows: 0 };
  await ctx.deps.transfers.createExport(job);
  countMetric('ExportsCreated');
  return job;
}

export async function requireExport(ctx: Ctx, id: string, principal: Principal): Promise<ExportJob> {
  const job = await ctx.deps.transfers.getExport(id);
  if (!job) throw new NotFoundError('Export', id);
  if (job.piiVisible && !principal.can('pii:read')) throw new ForbiddenError('This export holds unmasked personal data; reading it needs the pii:read permission.');
  // Its file may have held a person erased since (docs/privacy.md): 410, not a link to nothing.
  if (job.removedAt) throw removedByErasure(`The file of export ${job.id}`, job.removedAt, { id: job.id, status: job.status, hint: 'create a new export' });
  return job;
}

export const exportExpired = (job: ExportJob, nowMs: number) => !!job.finishedAt && Date.parse(job.finishedAt) + TRANSFER_RETENTION_DAYS * 86_400_000 < nowMs;

export async function downloadOf(blobs: BlobStore, job: ExportJob, nowMs: number): Promise<SignedUrl | undefined> {
  if (job.status !== 'completed' || exportExpired(job, nowMs)) return undefined;
  return blobs.downloadUrl(job.fileKey, { filename: `customers-${job.id}.csv`, expiresInSeconds: SIGNED_URL_SECONDS });
}

export function presentExport(job: ExportJob, download: SignedUrl | undefined, nowMs: number) {
  return {
    id: job.id,
    kind: job.kind,
    filter: job.filter,
    status: job.status,
    piiMasked: !job.piiVisible,
    rows: job.rows,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    ...(job.fileSize !== undefined ? { fileSize: job.fileSize } : {}),
    ...(job.failure ? { failure: job.failure } : {}),
    expired: exportExpired(job, nowMs),
    ...(download ? { download } : {}),
    links: { self: `/v1/exports/${job.id}` },
  };
}
