import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv } from '../../shared/domain/csv';
import { ForbiddenError, ValidationError } from '../../shared/domain/errors';
import { principalFromClaims } from '../../shared/http/principal';
import type { Deps } from '../../shared/runtime/deps';
import { LocalBlobStore } from '../../shared/runtime/local-blob-store';
import { createCustomer } from '../../shared/usecases/customers';
import { runExport } from '../../shared/usecases/export-run';
import { createExport, requireExport } from '../../shared/usecases/exports';
import { testDeps } from '../support/db';
import { ctxOf } from './helpers';

/** Customer exports against DynamoDB Local: the filter, PII masking recorded at creation, and who may fetch the file. */
const dir = mkdtempSync(join(tmpdir(), 'crm-export-it-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const admin = principalFromClaims({ sub: 'a', 'cognito:groups': ['admin'] })!;
const analyst = principalFromClaims({ sub: 'b', 'cognito:groups': ['analyst'] })!;

let deps: Deps;
beforeAll(async () => {
  deps = await testDeps({ blobs: new LocalBlobStore(dir) });
  await createCustomer(ctxOf(deps), { name: '李雷', email: 'lilei@example.com', phone: '+8613812345678', city: 'Shanghai', tags: ['vip'] });
  await createCustomer(ctxOf(deps), { name: 'Han Meimei', email: 'han@example.com', city: 'Beijing' });
});

async function exported(id: string): Promise<string[][]> {
  const job = (await deps.transfers.getExport(id))!;
  expect(job.status).toBe('completed');
  const file = await deps.blobs!.read(job.fileKey, 0, job.fileSize!);
  return readCsv(file, { base: 0, line: 1, eof: true, maxRecords: 100 }).records.map((r) => r.fields);
}

test('all customers, unmasked for a caller with pii:read; only such callers may fetch the job', async () => {
  const job = await createExport(ctxOf(deps), { all: true }, admin);
  expect(job.piiVisible).toBe(true);
  expect(await runExport(ctxOf(deps), deps.blobs!, job.id)).toBe('completed');
  const rows = await exported(job.id);
  expect(rows[0]).toEqual(['id', 'name', 'email', 'phone', 'gender', 'birthday', 'country', 'region', 'city', 'sourceChannel', 'store', 'externalId', 'platformIds', 'tags', 'createdAt', 'updatedAt']);
  expect(rows.slice(1).map((r) => [r[1], r[2], r[3], r[13]]).sort()).toEqual([
    ['Han Meimei', 'han@example.com', '', ''],
    ['李雷', 'lilei@example.com', '+8613812345678', 'vip'],
  ]);
  await expect(requireExport(ctxOf(deps), job.id, analyst)).rejects.toBeInstanceOf(ForbiddenError);
  expect(await runExport(ctxOf(deps), deps.blobs!, job.id)).toBe('idle'); // a redelivered message changes nothing
});

test('masked for a caller without pii:read, who may then fetch it; a search filter picks the rows', async () => {
  const job = await createExport(ctxOf(deps), { email: 'LiLei@Example.com' }, analyst);
  await runExport(ctxOf(deps), deps.blobs!, job.id);
  const rows = await exported(job.id);
  expect(rows.slice(1).map((r) => [r[1], r[2], r[3], r[8]])).toEqual([['李*', 'l***@example.com', '138****5678', 'Shanghai']]);
  expect((await requireExport(ctxOf(deps), job.id, analyst)).rows).toBe(1);
});

test('a filter must choose exactly one way', async () => {
  await expect(createExport(ctxOf(deps), {}, admin)).rejects.toBeInstanceOf(ValidationError);
  await expect(createExport(ctxOf(deps), { all: true, name: 'Li' }, admin)).rejects.toBeInstanceOf(ValidationError);
  await expect(createExport(ctxOf(deps), { email: 'nope' }, admin)).rejects.toThrow('filter.email: is not a valid email address');
});
