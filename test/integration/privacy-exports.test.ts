import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, DomainError } from '../../shared/domain/errors';
import { principalFromClaims } from '../../shared/http/principal';
import type { BlobStore } from '../../shared/runtime/blob-store';
import type { Deps } from '../../shared/runtime/deps';
import { LocalBlobStore } from '../../shared/runtime/local-blob-store';
import type { MessageQueue } from '../../shared/runtime/message-queue';
import { exportFileKey } from '../../shared/store/keys';
import { PrivacyRepo } from '../../shared/store/privacy-repo';
import { repoOf } from '../../shared/store/repo-of';
import { createCustomer, type Ctx } from '../../shared/usecases/customers';
import { runExport } from '../../shared/usecases/export-run';
import { createExport, requireExport } from '../../shared/usecases/exports';
import { mergeCustomers } from '../../shared/usecases/merge';
import { removeExportFiles } from '../../shared/usecases/privacy/files';
import { createPrivacyRequest, runPrivacyRequest } from '../../shared/usecases/privacy/requests';
import type { SalesCtx } from '../../shared/usecases/sales/common';
import { createLead } from '../../shared/usecases/sales/leads';
import { putAgent } from '../../shared/usecases/service/admin';
import { testDeps } from '../support/db';

/**
 * An erasure removes the export files made before it that can hold the person (issue 7), on
 * DynamoDB Local and the local blob store: the person's data-subject export files (theirs, those of
 * a profile merged into them, that of a lead of theirs) and the customer CSV exports whose files
 * still exist; each is marked so its GET answers 410 (`reason: erased`). A retried erasure does it
 * again without error and counts the same; an export being written while the erasure runs never
 * keeps the erased person.
 */
const dir = mkdtempSync(join(tmpdir(), 'crm-privacy-exports-it-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const admin = principalFromClaims({ sub: 'a', 'cognito:groups': ['admin'] })!;

/** The local store, with a hook run once before the next put of a key and a crash at the n-th delete. */
class HookedBlobs implements BlobStore {
  constructor(readonly inner: LocalBlobStore) {}
  hooks = new Map<string, () => Promise<void>>();
  crashAtDelete = 0;
  deletes = 0;
  uploadUrl: BlobStore['uploadUrl'] = (k, o) => this.inner.uploadUrl(k, o);
  downloadUrl: BlobStore['downloadUrl'] = (k, o) => this.inner.downloadUrl(k, o);
  head = (k: string) => this.inner.head(k);
  read = (k: string, s: number, l: number) => this.inner.read(k, s, l);
  async put(key: string, body: Buffer, contentType: string) {
    const hook = this.hooks.get(key);
    this.hooks.delete(key);
    if (hook) await hook();
    await this.inner.put(key, body);
    void contentType;
  }
  async delete(key: string) {
    this.deletes++;
    if (this.crashAtDelete && this.deletes === this.crashAtDelete) throw new Error('the function died here');
    await this.inner.delete(key);
  }
}

let deps: Deps;
let blobs: HookedBlobs;
let t = Date.parse('2026-06-01T00:00:00.000Z');
const queue: MessageQueue = { send: async () => undefined };
const ctx = (actorId = 'system:privacy'): Ctx => ({ deps, correlationId: 'it-privacy-exports', actorId });
const rep = (): SalesCtx => ({ ...ctx('rep-1'), actor: { id: 'rep-1', all: true, admin: true } });

beforeAll(async () => {
  blobs = new HookedBlobs(new LocalBlobStore(dir));
  deps = await testDeps({ queue, blobs, clock: { now: () => new Date(t) } });
  await putAgent(ctx('admin-1'), 'rep-1', { name: 'Rep One' });
});

const request = (input: Parameters<typeof createPrivacyRequest>[1]) => createPrivacyRequest(ctx(), input);
const run = (id: string) => runPrivacyRequest(ctx(), blobs, id);
const exists = async (key: string) => !!(await blobs.head(key));
const text = async (key: string) => (await blobs.read(key, 0, 10_000_000)).toString('utf8');
const csvExport = (filter: Parameters<typeof createExport>[1]) => createExport(ctx('a'), filter, admin);
const gone = (p: Promise<unknown>) => expect(p).rejects.toMatchObject({ status: 410, title: 'Gone', extra: expect.objectContaining({ reason: 'erased' }) });

describe('an erasure and the export files made before it', () => {
  it("removes the person's export files and the customer CSVs; their GETs answer 410; a retry after a crash does it again and counts the same", async () => {
    const ada = await createCustomer(ctx(), { name: 'Ada Erasable', email: 'ada.erasable@example.com', phone: '+8613800001111' });
    const bo = await createCustomer(ctx(), { name: 'Bo Keeps', email: 'bo.keeps@example.com' });
    const twin = await createCustomer(ctx(), { name: 'Ada E.', phone: '+8613800002222' });

    // A CSV made eight days ago: expired (its file is past the bucket's 7 days), not marked.
    const old = await csvExport({ all: true });
    expect(await runExport(ctx(), blobs, old.id)).toBe('completed');
    t += 8 * 86_400_000;

    // Her export, that of the profile merged into her since, and that of a lead with her email.
    const hers = await request({ kind: 'export', customerId: ada.id });
    const twins = await request({ kind: 'export', customerId: twin.id });
    const lead = await createLead(rep(), { sourceChannel: 'website-form', company: 'Erasable Trading', contactName: 'Ada Erasable', email: 'ada.erasable@example.com', allowDuplicate: true });
    const leads = await request({ kind: 'export', leadId: lead.id });
    for (const r of [hers, twins, leads]) expect((await run(r.id)).fileKey).toBe(exportFileKey(r.id));
    await mergeCustomers(ctx(), ada.id, twin.id);
    // Someone else's export stays.
    const bos = await request({ kind: 'export', customerId: bo.id });
    await run(bos.id);

    // Customer CSVs: two written (one holds her), one not yet run.
    const all = await csvExport({ all: true });
    const boOnly = await csvExport({ email: 'bo.keeps@example.com' });
    const pending = await csvExport({ all: true });
    for (const j of [all, boOnly]) expect(await runExport(ctx(), blobs, j.id)).toBe('completed');
    expect(await text(all.fileKey)).toContain('ada.erasable@example.com');

    // The erasure dies at its second file, and is retried.
    const erasure = await request({ kind: 'erasure', customerId: ada.id });
    blobs.deletes = 0;
    blobs.crashAtDelete = 2;
    await expect(run(erasure.id)).rejects.toThrow('the function died here');
    blobs.crashAtDelete = 0;
    const done = await run(erasure.id);
    expect(done).toMatchObject({ status: 'completed', result: expect.objectContaining({ exportFiles: 3, customerExportFiles: 2 }) });
    // The CSV not run yet is noted: a run that began before the erasure could not complete with what it read.
    expect(await requireExport(ctx('a'), pending.id, admin)).toMatchObject({ status: 'created', erasures: 1 });

    for (const r of [hers, twins, leads]) {
      expect(await exists(exportFileKey(r.id))).toBe(false);
      expect(await repoOf(deps, PrivacyRepo).get(r.id)).toMatchObject({ status: 'completed', fileRemovedBy: erasure.id, fileRemovedAt: expect.any(String) });
    }
    expect(await exists(exportFileKey(bos.id))).toBe(true);
    expect((await repoOf(deps, PrivacyRepo).get(bos.id))!.fileRemovedAt).toBeUndefined();

    for (const j of [all, boOnly]) {
      expect(await exists(j.fileKey)).toBe(false);
      await gone(requireExport(ctx('a'), j.id, admin));
    }
    expect(await exists(old.fileKey)).toBe(false);
    expect(await requireExport(ctx('a'), old.id, admin)).not.toHaveProperty('removedAt');

    // Retried once more (a redelivery after it completed, or the step alone): nothing new, the same counts, no error.
    expect(await removeExportFiles(ctx(), blobs, erasure.id, { customerIds: [ada.id, twin.id], leadIds: [lead.id] })).toEqual({ exportFiles: 3, customerExportFiles: 2 });
    expect((await run(erasure.id)).result).toEqual(done.result);

    // The CSV that had not run yet runs now: the erased profile is anonymized, so it is not in it.
    expect(await runExport(ctx(), blobs, pending.id)).toBe('completed');
    const csv = await text(pending.fileKey);
    expect(csv).toContain('bo.keeps@example.com');
    for (const needle of ['ada.erasable@example.com', 'Ada Erasable', '13800001111', '13800002222']) expect(csv).not.toContain(needle);
  });

  it('a CSV export being written while an erasure runs reads again: its file never holds the person erased', async () => {
    const cai = await createCustomer(ctx(), { name: 'Cai Midrun', email: 'cai.midrun@example.com' });
    const dan = await createCustomer(ctx(), { name: 'Dan Stays', email: 'dan.stays@example.com' });
    const job = await csvExport({ all: true });
    let erasureId = '';
    // The run has read every profile (Cai's in clear) when the erasure runs, just before it writes the file.
    blobs.hooks.set(job.fileKey, async () => {
      const erasure = await request({ kind: 'erasure', customerId: cai.id });
      erasureId = erasure.id;
      expect((await run(erasure.id)).status).toBe('completed');
    });
    expect(await runExport(ctx(), blobs, job.id)).toBe('completed');
    expect(erasureId).not.toBe('');
    const csv = await text(job.fileKey);
    expect(csv).toContain('dan.stays@example.com');
    expect(csv).not.toContain('cai.midrun@example.com');
    expect(csv).not.toContain('Cai Midrun');
    expect(await requireExport(ctx('a'), job.id, admin)).toMatchObject({ status: 'completed', erasures: 1 });
    void dan;
  });

  it('a data-subject export being written while an erasure of the person runs leaves no file, and says so', async () => {
    const eve = await createCustomer(ctx(), { name: 'Eve Racing', email: 'eve.racing@example.com' });
    const exp = await request({ kind: 'export', customerId: eve.id });
    let erasureId = '';
    blobs.hooks.set(exportFileKey(exp.id), async () => {
      const erasure = await request({ kind: 'erasure', customerId: eve.id });
      erasureId = erasure.id;
      const done = await run(erasure.id);
      expect(done.result).toMatchObject({ exportFiles: 0 }); // it was not written yet: nothing to count
    });
    // The export had read her in clear: its completion fails on the version the erasure changed, and its file goes.
    await expect(run(exp.id)).rejects.toBeInstanceOf(ConflictError);
    expect(await exists(exportFileKey(exp.id))).toBe(false);
    // Retried, it completes without a file; its GET answers 410 (functions/http/privacy/get.ts).
    const retried = await run(exp.id);
    expect(retried).toMatchObject({ status: 'completed', fileRemovedBy: erasureId });
    expect(retried.fileKey).toBeUndefined();
    expect(await exists(exportFileKey(exp.id))).toBe(false);
  });

  it("a person who only ever was a lead: the erasure removes their export file, and no customer CSV", async () => {
    const lead = await createLead(rep(), { sourceChannel: 'website-form', company: 'Only Lead Works', contactName: 'Fay Onlylead', email: 'fay.onlylead@example.com' });
    const exp = await request({ kind: 'export', leadId: lead.id });
    await run(exp.id);
    expect(await text(exportFileKey(exp.id))).toContain('fay.onlylead@example.com');
    const csv = await csvExport({ all: true });
    await runExport(ctx(), blobs, csv.id);
    const erasure = await request({ kind: 'erasure', leadId: lead.id });
    expect((await run(erasure.id)).result).toMatchObject({ exportFiles: 1, customerExportFiles: 0 });
    expect(await exists(exportFileKey(exp.id))).toBe(false);
    expect(await repoOf(deps, PrivacyRepo).get(exp.id)).toMatchObject({ fileRemovedBy: erasure.id });
    expect(await exists(csv.fileKey)).toBe(true);
    await expect(requireExport(ctx('a'), csv.id, admin)).resolves.toMatchObject({ status: 'completed' });
  });

  it('the 410 names the erasure and the export', async () => {
    const job = await csvExport({ all: true });
    await runExport(ctx(), blobs, job.id);
    expect(await requireExport(ctx('a'), job.id, admin)).toMatchObject({ status: 'completed' });
    const gal = await createCustomer(ctx(), { name: 'Gal Last', email: 'gal.last@example.com' });
    const erasure = await request({ kind: 'erasure', customerId: gal.id });
    await run(erasure.id);
    const refused = await requireExport(ctx('a'), job.id, admin).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ status: 410, message: expect.stringContaining(`The file of export ${job.id} was removed by a data-subject erasure on`), extra: { reason: 'erased', id: job.id } });
    await gone(requireExport(ctx('a'), job.id, admin));
  });
});
