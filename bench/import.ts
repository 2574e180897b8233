import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImportClient } from '../infra/local/import-client';
import { startLocalStack } from '../infra/local/runtime';
import { CDNOW, parseCdnow } from '../shared/domain/cdnow';
import { round, type Result } from './lib';

/** Bulk import throughput: the CDNOW log as an orders CSV through `npm run import`'s client, on the local stack. */
export async function benchImport(endpoint: string): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bench-import-'));
  const stack = await startLocalStack({ port: 0, dynamoEndpoint: endpoint, tableName: `crm-bench-imp-${Date.now()}`, stateDir: dir, quiet: true, retryDelayMs: 200, streamPollMs: 50 });
  try {
    const shared = process.env.CRM_SHARED_DIR ?? join(__dirname, '..', '..', 'shared');
    const envs = parseCdnow(readFileSync(join(shared, 'data', 'cdnow', 'CDNOW_sample.txt'), 'utf8'));
    const header = 'orderId,platform,store,customerId,placedAt,status,currency,total';
    const rows = envs.map((e) => {
      const d = e.data as { orderId: string; customer: { id: string }; placedAt: string; total: string };
      return [d.orderId, CDNOW.platform, CDNOW.store, d.customer.id, d.placedAt, 'fulfilled', CDNOW.currency, d.total].join(',');
    });
    const file = join(dir, 'orders.csv');
    writeFileSync(file, `${header}\n${rows.join('\n')}\n`);
    const mapping = Object.fromEntries(header.split(',').map((c) => [c, c]));
    const t0 = performance.now();
    const summary = await runImportClient({ file, kind: 'orders', format: 'csv', mapping, dedup: 'merge' }, { baseUrl: stack.url, token: await stack.mintToken('admin'), reportDir: dir, pollMs: 250, out: { write: () => true } });
    const seconds = (performance.now() - t0) / 1000;
    if (summary.job.status !== 'completed') throw new Error(`import ended ${summary.job.status}`);
    return { name: 'import rows per second', value: round(envs.length / seconds, 1), unit: 'ops/s', target: null, better: 'higher', note: `${envs.length} CDNOW order rows (CSV, 2,357 new customers) through create job, upload, start and the import worker, local stack on 2 shared cores` };
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
