import type { Customer } from '../../domain/customer';
import { ConflictError } from '../../domain/errors';
import { JOB_RETENTION_DAYS } from '../../domain/transfers';
import type { BlobStore } from '../../runtime/blob-store';
import { countMetric } from '../../runtime/observability';
import { exportFileKey } from '../../store/keys';
import { PrivacyRepo } from '../../store/privacy-repo';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';
import { exportExpired } from '../exports';
import { leadIdsOfCustomer } from './leads';
import type { SubjectHints } from './sections';

/**
 * Export files an erasure removes (issue 7: personal data goes "everywhere ..., exports" too). Two
 * kinds of file made before the erasure can hold the person:
 * - the data-subject export files of the person (export requests about the customer, the profiles
 *   merged into them, or their leads; found by subject on GSI2): the blob is deleted and the
 *   request marked (`fileRemovedAt`/`fileRemovedBy`), so GET /v1/privacy-requests/{id} answers 410;
 * - the customer list's CSV exports (found by creation on GSI1, a bounded Query: job items expire
 *   in 30 days): a job records no customer ids, so every completed one whose file may still exist
 *   loses it and is marked (`removedAt`/`removedBy`), so GET /v1/exports/{id} answers 410.
 * An export still being written is noted instead (an export request is marked, a CSV job counts
 * the erasure): its run, which may have read the person before the erasure, cannot complete with
 * that file — the CSV run reads again (profiles are anonymized by then), the request's run drops
 * its file. Everything here runs after the profile and the leads are erased, deletes before it
 * marks, and is idempotent: a retried erasure deletes again and counts the same files.
 */
export interface ExportScope {
  customerIds: string[];
  leadIds: string[];
}

const unique = (ids: readonly string[]) => [...new Set(ids)];

/**
 * Whose export files a customer's erasure removes: the customer, the profiles merged into them
 * (not taken back), and their leads — found before the erasure, while the leads' refs still find
 * them. Kept with the erasure (`rememberScope`), so a retry after the leads were erased knows them still.
 */
export async function exportScopeOfCustomer(ctx: Ctx, erasureId: string, customer: Customer, hints: SubjectHints): Promise<ExportScope> {
  const merges = await ctx.deps.merges.listForTarget(customer.id, 100);
  return rememberScope(ctx, erasureId, {
    customerIds: [customer.id, ...merges.filter((m) => m.status !== 'undone').map((m) => m.sourceId)],
    leadIds: [...(await leadIdsOfCustomer(ctx, customer)), ...(hints.leadIds ?? [])],
  });
}

/** The scope found now joined with what earlier tries of the same erasure found (stored when it grows). */
export async function rememberScope(ctx: Ctx, erasureId: string, found: ExportScope): Promise<ExportScope> {
  const repo = repoOf(ctx.deps, PrivacyRepo);
  const kept = await repo.filesScope(erasureId);
  const scope = { customerIds: unique([...(kept?.customerIds ?? []), ...found.customerIds]), leadIds: unique([...(kept?.leadIds ?? []), ...found.leadIds]) };
  if (!kept || scope.customerIds.length > kept.customerIds.length || scope.leadIds.length > kept.leadIds.length) await repo.putFilesScope(erasureId, scope, ctx.deps.clock.now().getTime());
  return scope;
}

/** A version stamp later than `prev` (the requests' guard is `updatedAt`: a mark must change it). */
const laterThan = (prev: string, now: string) => (now > prev ? now : new Date(Date.parse(prev) + 1).toISOString());

/** One export request's file; true when it is (now or by an earlier try) a file this erasure removed. */
async function removeRequestFile(ctx: Ctx, blobs: BlobStore, erasureId: string, id: string): Promise<boolean> {
  const repo = repoOf(ctx.deps, PrivacyRepo);
  for (let attempt = 0; ; attempt++) {
    const r = await repo.get(id);
    if (!r || r.kind !== 'export') return false;
    if (r.fileRemovedBy) {
      if (r.fileRemovedBy !== erasureId) return false; // another erasure did it
      await blobs.delete(exportFileKey(r.id)); // a try that died between its mark and its delete
      return r.status === 'completed' && !!r.fileKey;
    }
    const hasFile = r.status === 'completed' && !!r.fileKey;
    // A request not started yet reads the erased data when it runs: nothing to remove.
    if (!hasFile && r.status !== 'running') return false;
    if (hasFile) await blobs.delete(r.fileKey!);
    const now = ctx.deps.clock.now().toISOString();
    try {
      await repo.put({ ...r, fileRemovedAt: now, fileRemovedBy: erasureId, updatedAt: laterThan(r.updatedAt, now) }, r.updatedAt);
    } catch (e) {
      if (e instanceof ConflictError && attempt < 5) continue; // it changed meanwhile (completed, most likely): again
      throw e;
    }
    // A running one: whatever it wrote so far goes; its completion now fails on the changed version.
    if (!hasFile) await blobs.delete(exportFileKey(r.id));
    return hasFile;
  }
}

/** One customer CSV export job; true when its file is (now or by an earlier try) one this erasure removed. */
async function removeJobFile(ctx: Ctx, blobs: BlobStore, erasureId: string, id: string): Promise<boolean> {
  const { transfers, clock } = ctx.deps;
  for (let attempt = 0; attempt < 5; attempt++) {
    const job = await transfers.getExport(id);
    if (!job || job.status === 'failed') return false;
    if (job.removedAt) return job.removedBy === erasureId;
    const now = clock.now();
    if (job.status === 'completed') {
      await blobs.delete(job.fileKey);
      if (exportExpired(job, now.getTime())) return false; // it answers "expired" already; the bucket's rule was about to remove it
      if (await transfers.markExportRemoved(id, erasureId, now.toISOString())) return true;
      continue;
    }
    // created or running: the run cannot complete with rows it read before this erasure.
    if (await transfers.noteErasure(id, now.toISOString())) {
      await blobs.delete(job.fileKey);
      return false;
    }
    // It completed meanwhile: handle it as completed.
  }
  throw new ConflictError(`Export ${id} kept changing while an erasure removed its file; the erasure will be retried.`);
}

/** Removes the export files made before this erasure that can hold the person; counts per kind for the request's result. */
export async function removeExportFiles(ctx: Ctx, blobs: BlobStore, erasureId: string, scope: ExportScope): Promise<{ exportFiles: number; customerExportFiles: number }> {
  const repo = repoOf(ctx.deps, PrivacyRepo);
  const requestIds = new Set<string>();
  for (const [kind, ids] of [['customer', scope.customerIds], ['lead', scope.leadIds]] as const) {
    for (const id of unique(ids)) for (const r of await repo.ofSubject({ kind, id }, 'export')) requestIds.add(r.id);
  }
  let exportFiles = 0;
  for (const id of requestIds) if (await removeRequestFile(ctx, blobs, erasureId, id)) exportFiles++;

  // The CSV exports list customers: a person who only ever was a lead is in none of them.
  const since = new Date(ctx.deps.clock.now().getTime() - JOB_RETENTION_DAYS * 86_400_000).toISOString();
  let customerExportFiles = 0;
  const jobs = scope.customerIds.length ? await ctx.deps.transfers.exportsCreatedSince(since) : [];
  for (const job of jobs) {
    // The index's copy may lag, but `failed` and `removedAt` are final: those need no second look.
    if (job.status === 'failed' || (job.removedAt && job.removedBy !== erasureId)) continue;
    if (await removeJobFile(ctx, blobs, erasureId, job.id)) customerExportFiles++;
  }
  if (exportFiles + customerExportFiles > 0) countMetric('ErasureExportFilesRemoved', exportFiles + customerExportFiles);
  return { exportFiles, customerExportFiles };
}

/**
 * After an export request's run failed to complete having written its file: when an erasure marked
 * the request meanwhile (it may hold what that erasure removed), the file goes too.
 */
export async function dropFileIfErased(ctx: Ctx, blobs: BlobStore, requestId: string, fileKey: string): Promise<void> {
  const r = await repoOf(ctx.deps, PrivacyRepo).get(requestId);
  if (r?.fileRemovedBy) await blobs.delete(fileKey);
}
