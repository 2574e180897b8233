import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMapping, runImportClient } from '../../infra/local/import-client';
import { readCsv } from '../../shared/domain/csv';
import { startTestStack, unique, type TestStack } from './helpers';

/** Bulk import and export over the local stack, as a client does it: create, upload to the URL given, start, watch, fetch. */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

const rows = (text: string) => readCsv(Buffer.from(text, 'utf8'), { base: 0, line: 1, eof: true, maxRecords: 10_000 }).records.map((r) => r.fields);

describe('import then export', () => {
  const a = unique('imp');
  const b = unique('imp');
  const csv = ['\uFEFFE-mail,name,phone,city,tags', `${a.email},"${a.name}",138 0013 8000,Shanghai,vip`, 'not-an-email,Broken Row,,,', `${b.email},"${b.name}",,"Hangzhou, Zhejiang",`, ''].join('\r\n');
  let importId = '';

  it('creates the job with an upload URL; starting before the upload is refused', async () => {
    const created = await t.call('POST', '/v1/imports', { body: { kind: 'customers', format: 'csv', mapping: { email: 'E-mail' } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'created', kind: 'customers', options: { dedup: 'merge' }, upload: { method: 'PUT', url: expect.stringContaining('/v1/imports/') } });
    importId = created.body.id;
    expect(created.body.upload.url).toContain(`/v1/imports/${importId}/file?`);
    const early = await t.call('POST', `/v1/imports/${importId}/start`);
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/No file has been uploaded yet/);

    const forged = await fetch(created.body.upload.url.replace(/signature=[^&]+/, 'signature=forged'), { method: 'PUT', body: csv });
    expect(forged.status).toBe(403);
    const put = await fetch(created.body.upload.url, { method: 'PUT', body: csv, headers: created.body.upload.headers });
    expect(put.status).toBe(200);
  });

  it('runs in the background and completes with counts; the error report names the bad row, field and reason', async () => {
    const started = await t.call('POST', `/v1/imports/${importId}/start`);
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('uploaded');
    await t.stack.waitForIdle();
    const job = await t.call('GET', `/v1/imports/${importId}`);
    expect(job.body).toMatchObject({ status: 'completed', progress: { rowsRead: 3, imported: 2, merged: 0, skipped: 0, failed: 1, bytesTotal: Buffer.byteLength(csv) } });
    expect(job.body.progress.bytesRead).toBe(job.body.progress.bytesTotal);

    const report = await t.call('GET', `/v1/imports/${importId}/errors`);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(report.headers.get('content-disposition')).toContain(`import-${importId}-errors.csv`);
    expect(rows(report.text)).toEqual([
      ['row', 'field', 'reason'],
      ['3', 'email', 'is not a valid email address'],
    ]);

    const found = await t.call('GET', `/v1/customers?email=${encodeURIComponent(a.email)}`);
    expect(found.body.items).toEqual([expect.objectContaining({ name: a.name, phone: '+8613800138000', city: 'Shanghai', tags: ['vip'], sourceChannel: 'import' })]);
  });

  it('imports need customers:write; an unknown mapping field is a 400 naming it', async () => {
    expect((await t.call('GET', `/v1/imports/${importId}`, { role: 'analyst' })).status).toBe(403);
    const bad = await t.call('POST', '/v1/imports', { body: { kind: 'orders', mapping: { emial: 'Email' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'mapping.emial' })]);
  });

  it('exports the imported customers to a CSV behind a download URL, masked for a caller without pii:read', async () => {
    const requested = await t.call('POST', '/v1/exports', { body: { kind: 'customers', filter: { all: true } } });
    expect(requested.status).toBe(202);
    const masked = await t.call('POST', '/v1/exports', { role: 'analyst', body: { kind: 'customers', filter: { email: a.email } } });
    expect(masked.status).toBe(202);
    await t.stack.waitForIdle();

    const job = await t.call('GET', `/v1/exports/${requested.body.id}`);
    expect(job.body).toMatchObject({ status: 'completed', piiMasked: false, download: { method: 'GET', url: expect.stringContaining(`/v1/exports/${requested.body.id}/file?`) } });
    const file = await fetch(job.body.download.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain(`customers-${requested.body.id}.csv`);
    const text = await file.text();
    const emails = rows(text.replace(/^\uFEFF/, '')).map((r) => r[2]);
    expect(emails).toEqual(expect.arrayContaining([a.email, b.email]));
    expect(rows(text).find((r) => r[2] === b.email)![8]).toBe('Hangzhou, Zhejiang');
    expect((await t.call('GET', `/v1/exports/${requested.body.id}`, { role: 'analyst' })).status).toBe(403);

    const analystJob = await t.call('GET', `/v1/exports/${masked.body.id}`, { role: 'analyst' });
    expect(analystJob.body).toMatchObject({ status: 'completed', rows: 1, piiMasked: true });
    const maskedRows = rows(await (await fetch(analystJob.body.download.url)).text());
    expect(maskedRows[1]!.slice(2, 4)).toEqual([`${a.email[0]}***@example.com`, '138****8000']);
  });
});

describe('npm run import (the client it runs)', () => {
  it('creates, uploads, starts and follows an orders import to the end, and saves the error report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-import-cli-'));
    try {
      const buyer = unique('buyer');
      const file = join(dir, 'orders.csv');
      writeFileSync(file, ['Order No,Date,Amount,Currency,Email', `W-1,2024-05-01,99.90,CNY,${buyer.email}`, `W-2,20240502,10,CNY,${buyer.email}`, 'W-3,yesterday,10,CNY,x@example.com', ''].join('\n'));
      const lines: string[] = [];
      const summary = await runImportClient(
        { file, kind: 'orders', format: 'csv', mapping: parseMapping('orderId=Order No, placedAt=Date,total=Amount'), dedup: 'merge' },
        { baseUrl: t.stack.url, token: await t.token('admin'), reportDir: dir, pollMs: 50, out: { write: (s: string) => lines.push(s) } },
      );
      expect(summary.job).toMatchObject({ status: 'completed', progress: { rowsRead: 3, imported: 2, failed: 1 } });
      expect(lines.join('')).toMatch(/\[#{24}\] 100%  read 3 · imported 2 · failed 1 · \d+ rows\/s  completed/);
      expect(lines.join('')).toContain('completed: 3 rows in');
      expect(rows(readFileSync(summary.reportFile!, 'utf8'))[1]).toEqual(['4', 'placedAt', 'must be an ISO-8601 date-time, YYYY-MM-DD or YYYYMMDD']);
      const customer = await t.call('GET', `/v1/customers?email=${encodeURIComponent(buyer.email)}`);
      expect(customer.body.items).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parseMapping refuses what is not field=column', () => {
    expect(() => parseMapping('email')).toThrow('--map takes field=column pairs');
  });
});
