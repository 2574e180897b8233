import { drainStream } from '../support/stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Customer } from '../../shared/domain/customer';
import type { ImportJob } from '../../shared/domain/transfers';
import type { Deps } from '../../shared/runtime/deps';
import { LocalBlobStore } from '../../shared/runtime/local-blob-store';
import type { MessageQueue } from '../../shared/runtime/message-queue';
import { createCustomer } from '../../shared/usecases/customers';
import { errorReport } from '../../shared/usecases/imports/error-report';
import { createImport, startImport, type NewImport } from '../../shared/usecases/imports/jobs';
import { importStep, type StepOptions } from '../../shared/usecases/imports/run-import';
import { testDeps } from '../support/db';
import { allItems, ctxOf } from './helpers';
import { customerFromItem } from '../../shared/store/customer-items';

// Imports run many steps against DynamoDB Local; on a busy 2-core machine they take a while.
jest.setTimeout(90_000);

/** Import jobs against DynamoDB Local: counters, per-row errors, dedup, and resuming after a crash. */
const dir = mkdtempSync(join(tmpdir(), 'crm-import-it-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function world(): Promise<Deps> {
  const blobs = new LocalBlobStore(join(dir, Math.random().toString(36).slice(2)));
  return testDeps({ blobs });
}

const queue = (): MessageQueue & { sent: string[] } => {
  const sent: string[] = [];
  return { sent, send: async (_q, body) => void sent.push(body) };
};

/** Creates a job for `file`, uploads it and starts it; returns the job id. */
async function upload(deps: Deps, input: NewImport, file: string | Buffer): Promise<string> {
  const { job } = await createImport(ctxOf(deps, 'importer'), deps.blobs!, input);
  await deps.blobs!.put(job.fileKey, Buffer.isBuffer(file) ? file : Buffer.from(file, 'utf8'), 'text/csv');
  const q = queue();
  expect((await startImport(ctxOf(deps), deps.blobs!, q, job.id)).status).toBe('uploaded');
  expect(q.sent).toEqual([JSON.stringify({ jobId: job.id })]);
  return job.id;
}

/** Runs steps as the worker would until the job is over; returns the job and the number of steps. */
async function run(deps: Deps, id: string, opts: StepOptions = {}): Promise<{ job: ImportJob; steps: number }> {
  let steps = 0;
  for (;;) {
    const r = await importStep(ctxOf(deps, 'system:import'), deps.blobs!, id, opts);
    steps++;
    if (r !== 'more') break;
    if (steps > 1000) throw new Error('the import does not end');
  }
  return { job: (await deps.transfers.getImport(id))!, steps };
}

async function profiles(deps: Deps): Promise<Customer[]> {
  // Personal fields are stored encrypted: read the profiles as the repository does.
  return (await allItems(deps)).filter((i) => i.SK === '~PROFILE').map(customerFromItem);
}

/** A profile without what differs between two runs (ids, times, versions). */
const comparable = (c: Customer) => ({ name: c.name, email: c.email, phone: c.phone, city: c.city, gender: c.gender, tags: c.tags, externalId: c.externalId, platformIds: c.platformIds, status: c.status });
const byEmail = (cs: Customer[]) => cs.map(comparable).sort((a, b) => String(a.email ?? a.phone).localeCompare(String(b.email ?? b.phone)));

function customersCsv(n: number): string {
  const lines = ['email,name,phone,city,gender,tags'];
  for (let i = 1; i <= n; i++) {
    if (i % 7 === 0) lines.push(`bad-${i},Bad ${i},,,,`); // a bad email: fails with a reason
    else if (i % 5 === 0) lines.push(`dup${i - 1}@example.com,"Again, ${i}",,Hangzhou,female,vip`); // the row before, again: merged
    else lines.push(`dup${i}@example.com,"Name ${i}",+86138000${String(10000 + i).slice(1)},${i % 2 ? 'Shanghai' : 'Beijing'},,new`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('customers import', () => {
  test('creates profiles, merges repeats, counts every row and reports failed rows with field and reason', async () => {
    const deps = await world();
    const id = await upload(deps, { kind: 'customers', format: 'csv' }, customersCsv(20));
    const { job, steps } = await run(deps, id, { maxRows: 6 });
    expect(job.status).toBe('completed');
    expect(steps).toBe(4);
    expect(job.counters).toEqual({ read: 20, imported: 15, merged: 3, skipped: 0, failed: 2 });
    expect(await profiles(deps)).toHaveLength(15);
    // Fill blanks only: the first row's name stays, the repeat adds gender and a tag.
    const c = (await profiles(deps)).find((p) => p.email === 'dup4@example.com')!;
    expect(comparable(c)).toMatchObject({ name: 'Name 4', city: 'Beijing', gender: 'female', tags: ['new', 'vip'] });
    const report = await errorReport(deps, job);
    expect(report).toBe('\uFEFFrow,field,reason\r\n8,email,is not a valid email address\r\n15,email,is not a valid email address\r\n');
  });

  test('dedup against existing profiles: merge fills blanks and adds identities nobody holds; skip leaves them alone', async () => {
    for (const dedup of ['merge', 'skip'] as const) {
      const deps = await world();
      const existing = await createCustomer(ctxOf(deps), { name: 'Existing', email: 'known@example.com' });
      const csv = 'email,phone,name,city,externalId\nknown@example.com,13911112222,Imported Name,Suzhou,erp-9\nnew@example.com,,New,,\n';
      const id = await upload(deps, { kind: 'customers', format: 'csv', options: { dedup } }, csv);
      const { job } = await run(deps, id);
      const after = (await deps.customers.get(existing.id))!;
      if (dedup === 'merge') {
        expect(job.counters).toEqual({ read: 2, imported: 1, merged: 1, skipped: 0, failed: 0 });
        expect(comparable(after)).toMatchObject({ name: 'Existing', city: 'Suzhou', phone: '+8613911112222', externalId: 'erp-9' });
        expect(await deps.customers.findIdByIdentity({ kind: 'external', value: 'erp-9' })).toBe(existing.id);
      } else {
        expect(job.counters).toEqual({ read: 2, imported: 1, merged: 0, skipped: 1, failed: 0 });
        expect([after.version, after.phone, after.city]).toEqual([existing.version, undefined, undefined]);
      }
      expect(await profiles(deps)).toHaveLength(2);
    }
  });

  test('a job whose header lacks a mapped column fails with the reason, which the error report shows', async () => {
    const deps = await world();
    const id = await upload(deps, { kind: 'customers', format: 'csv', mapping: { email: 'E-mail' } }, 'email,name\na@b.cn,A\n');
    const { job } = await run(deps, id);
    expect(job).toMatchObject({ status: 'failed', failure: expect.stringContaining('the column "E-mail" is not in the header') });
    expect(await errorReport(deps, job)).toContain(',file,"mapping.email: the column ""E-mail"" is not in the header');
  });
});

describe('resuming after a crash', () => {
  /** Makes `count` calls of `obj[method]` succeed, then one throw (the crash), then succeed again. */
  function crashOnce<T extends object>(obj: T, method: keyof T, after: number): () => boolean {
    const orig = (obj[method] as (...a: unknown[]) => Promise<unknown>).bind(obj);
    let calls = 0;
    let crashed = false;
    (obj as Record<string, unknown>)[method as string] = async (...args: unknown[]) => {
      if (!crashed && ++calls > after) {
        crashed = true;
        throw new Error('simulated crash: the function died mid-chunk');
      }
      return orig(...args);
    };
    return () => crashed;
  }

  test('customers: a crash mid-chunk, then the retried steps, give exactly the counts and profiles of an uninterrupted run', async () => {
    const csv = customersCsv(40);
    const clean = await world();
    const a = await run(clean, await upload(clean, { kind: 'customers', format: 'csv' }, csv), { maxRows: 8 });

    const crashing = await world();
    const id = await upload(crashing, { kind: 'customers', format: 'csv' }, csv);
    const crashed = crashOnce(crashing.customers, 'create', 11); // the 12th new profile: in the middle of the second chunk
    await expect(run(crashing, id, { maxRows: 8 })).rejects.toThrow('simulated crash');
    expect(crashed()).toBe(true);
    const halfway = (await crashing.transfers.getImport(id))!;
    expect(halfway.counters.read).toBe(8); // only the first chunk was committed
    const b = await run(crashing, id, { maxRows: 8 });

    expect(b.job.counters).toEqual(a.job.counters);
    expect(b.job.counters).toEqual({ read: 40, imported: 29, merged: 6, skipped: 0, failed: 5 });
    expect(b.job.checkpoint).toEqual(a.job.checkpoint);
    expect(byEmail(await profiles(crashing))).toEqual(byEmail(await profiles(clean)));
    expect(await errorReport(crashing, b.job)).toBe(await errorReport(clean, a.job));
  });

  test('orders: a crash between rows leaves aggregates exact and counts each row once', async () => {
    const lines = ['orderId,email,placedAt,updatedAt,status,currency,total'];
    for (let i = 1; i <= 24; i++) lines.push(`O-${i},buyer${i % 4}@example.com,2024-01-${String(i).padStart(2, '0')},,paid,CNY,${i}.50`);
    lines.push('O-3,buyer3@example.com,2024-01-03,2024-02-01T00:00:00Z,refunded,CNY,3.50'); // a later state of O-3: merged
    lines.push('O-5,buyer1@example.com,2024-01-05,,paid,CNY,5.50'); // the same state again: skipped
    lines.push('O-99,buyer1@example.com,2024-01-05,,paid,XYZ,5.50'); // bad currency: failed
    const csv = `${lines.join('\n')}\n`;
    const clean = await world();
    const a = await run(clean, await upload(clean, { kind: 'orders', format: 'csv' }, csv), { maxRows: 5 });
    expect(a.job.counters).toEqual({ read: 27, imported: 24, merged: 1, skipped: 1, failed: 1 });

    const crashing = await world();
    const id = await upload(crashing, { kind: 'orders', format: 'csv' }, csv);
    crashOnce(crashing.orders, 'put', 13);
    await expect(run(crashing, id, { maxRows: 5 })).rejects.toThrow('simulated crash');
    const b = await run(crashing, id, { maxRows: 5 });
    expect(b.job.counters).toEqual(a.job.counters);

    await Promise.all([drainStream(clean), drainStream(crashing)]);
    for (let k = 0; k < 4; k++) {
      const who = async (d: Deps) => d.orders.aggregates((await d.customers.findIdByIdentity({ kind: 'email', value: `buyer${k}@example.com` }))!);
      const [x, y] = [await who(clean), await who(crashing)];
      expect({ ...y, version: 0 }).toEqual({ ...x, version: 0 });
    }
    const orders = async (d: Deps) => (await allItems(d)).filter((i) => i.entity === 'order').length;
    expect(await orders(crashing)).toBe(24);
  });

  test('two deliveries of the same step commit it once', async () => {
    const deps = await world();
    const id = await upload(deps, { kind: 'customers', format: 'csv' }, customersCsv(10));
    const results = await Promise.all([importStep(ctxOf(deps), deps.blobs!, id, { maxRows: 100 }), importStep(ctxOf(deps), deps.blobs!, id, { maxRows: 100 })]);
    expect(results.sort()).toEqual(['done', 'idle']);
    expect((await deps.transfers.getImport(id))!.counters).toEqual({ read: 10, imported: 7, merged: 2, skipped: 0, failed: 1 });
  });
});

describe('JSON lines', () => {
  test('orders with a key mapping, nested keys and numeric amounts', async () => {
    const deps = await world();
    const jsonl = ['{"id":"J-1","buyer":{"email":"j@example.com"},"date":"20240301","cur":"USD","amount":19.99}', '', '{"id":"J-2","buyer":{"email":"j@example.com"},"date":"2024-03-02","cur":"USD","amount":"5"}', '{"id":"J-3"}'].join('\n');
    const mapping = { orderId: 'id', email: 'buyer.email', placedAt: 'date', currency: 'cur', total: 'amount' };
    const { job } = await run(deps, await upload(deps, { kind: 'orders', format: 'jsonl', mapping }, jsonl));
    expect(job.counters).toEqual({ read: 3, imported: 2, merged: 0, skipped: 0, failed: 1 });
    const customerId = (await deps.customers.findIdByIdentity({ kind: 'email', value: 'j@example.com' }))!;
    await drainStream(deps);
    expect((await deps.orders.aggregates(customerId)).spentMinor).toEqual({ USD: 2499 });
    expect(await errorReport(deps, job)).toContain('4,currency,is required');
  });
});
