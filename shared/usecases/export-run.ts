import type { Customer } from '../domain/customer';
import { CSV_BOM, csvLine } from '../domain/csv';
import { DomainError, ValidationError } from '../domain/errors';
import { normalizeEmail, normalizeName, normalizePhone, platformIdentity, type Identity } from '../domain/identity';
import { maskCustomer } from '../domain/masking';
import type { ExportFilter } from '../domain/transfers';
import type { BlobStore } from '../runtime/blob-store';
import { countMetric } from '../runtime/observability';
import type { Ctx } from './customers';

/** The export worker's part: the customers a filter chooses, as CSV in the blob store. */
export const EXPORT_COLUMNS = ['id', 'name', 'email', 'phone', 'gender', 'birthday', 'country', 'region', 'city', 'sourceChannel', 'store', 'externalId', 'platformIds', 'tags', 'createdAt', 'updatedAt'] as const;

function identityOf(f: ExportFilter, region: string): Identity | undefined {
  if (f.email !== undefined) {
    const r = normalizeEmail(f.email);
    if (!r.ok) throw ValidationError.field('filter.email', r.reason);
    return { kind: 'email', value: r.value };
  }
  if (f.phone !== undefined) {
    const r = normalizePhone(f.phone, region);
    if (!r.ok) throw ValidationError.field('filter.phone', r.reason);
    return { kind: 'phone', value: r.value };
  }
  if (f.externalId !== undefined) return { kind: 'external', value: f.externalId };
  if (f.platformId !== undefined) return { kind: 'platform', value: platformIdentity(f.platform ?? '', f.store ?? '', f.platformId) };
  return undefined;
}

async function* customers(ctx: Ctx, f: ExportFilter & { segmentId?: string }): AsyncGenerator<Customer> {
  const { customers: repo, config } = ctx.deps;
  if (f.segmentId !== undefined) {
    // A segment's members, page by page from its member index (live profiles only).
    let after: string | undefined;
    do {
      const page = await ctx.deps.membership.members(f.segmentId, 100, after);
      yield* (await repo.getMany(page.items)).filter((c) => c.status === 'active');
      after = page.cursor;
    } while (after);
    return;
  }
  const identity = identityOf(f, config.defaultPhoneRegion);
  if (identity) {
    const id = await repo.findIdByIdentity(identity);
    const c = id ? await repo.get(id) : undefined;
    if (c?.status === 'active') yield c;
    return;
  }
  if (f.name !== undefined) {
    const prefix = normalizeName(f.name);
    let start: Record<string, string> | undefined;
    do {
      const page = await repo.searchByNamePrefix(prefix, 100, start);
      yield* page.items;
      start = page.lastKey as Record<string, string> | undefined;
    } while (start);
    return;
  }
  let cursor: string | undefined;
  do {
    const page = await repo.list(100, cursor);
    yield* page.items;
    cursor = page.cursor;
  } while (cursor);
}

const row = (c: Customer) => [
  c.id,
  c.name,
  c.email,
  c.phone,
  c.gender,
  c.birthday,
  c.country,
  c.region,
  c.city,
  c.sourceChannel,
  c.store,
  c.externalId,
  c.platformIds.map((p) => `${p.platform}:${p.store}:${p.id}`).join(';'),
  c.tags.join(';'),
  c.createdAt,
  c.updatedAt,
];

/**
 * Writes the file and completes the job (idempotent: a retry writes the same file again); a bad
 * filter fails the job with the reason. Profiles are read as they are now, so an erased one is
 * anonymized; an erasure that runs while the file is written notes it on the job, the completion
 * (guarded by that note) fails, and the run reads again: the file never keeps a row read before it.
 */
export async function runExport(ctx: Ctx, blobs: BlobStore, id: string): Promise<'completed' | 'failed' | 'idle'> {
  const { deps } = ctx;
  if (!(await deps.transfers.getExport(id))) return 'idle';
  for (let pass = 0; ; pass++) {
    const job = await deps.transfers.markExportRunning(id, deps.clock.now().toISOString());
    if (!job) return pass === 0 ? 'idle' : 'completed';
    try {
      const parts: string[] = [CSV_BOM, csvLine(EXPORT_COLUMNS)];
      let rows = 0;
      for await (const c of customers(ctx, job.filter)) {
        parts.push(csvLine(row(job.piiVisible ? c : maskCustomer(c))));
        rows++;
      }
      const body = Buffer.from(parts.join(''), 'utf8');
      await blobs.put(job.fileKey, body, 'text/csv; charset=utf-8');
      const seen = job.erasures ?? 0;
      if (!(await deps.transfers.completeExport(id, rows, body.length, deps.clock.now().toISOString(), seen))) {
        const now = await deps.transfers.getExport(id);
        // An erasure ran meanwhile: rows read before it may hold the person it erased; write the file again.
        if (now?.status === 'running' && (now.erasures ?? 0) !== seen && pass < 3) continue;
        if (now?.status === 'running') throw new Error(`export ${id}: erasures keep interrupting it; it will be retried`);
      }
      countMetric('ExportRows', rows);
      return 'completed';
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      await deps.transfers.failExport(id, e.message, deps.clock.now().toISOString());
      return 'failed';
    }
  }
}
