import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createTableSql, fitsType, LAKE_TABLES, type AthenaType, type LakeTable } from '../../shared/domain/analytics/lake-tables';
import { makeEvent } from '../../shared/events/envelope';
import { setDeps, type Deps } from '../../shared/runtime/deps';
import { runLakeExport } from '../../shared/usecases/analytics/export';
import { FolderLake } from '../../shared/usecases/analytics/lake';
import { countEvents } from '../../shared/usecases/analytics/rollup';
import { testDeps } from '../support/db';
import { drainStream } from '../support/stream';
import { ingestBrand } from './analytics-world';

/**
 * The lake export: customers and orders as full snapshots under dt=<day>, events by the day they
 * arrived for the complete days since the last export; every file gzip JSON lines whose rows have
 * exactly the columns of their Athena table, with values of the declared types; docs/analytics.md
 * carries the same CREATE EXTERNAL TABLE statements.
 */
let deps: Deps;
let now = '2026-03-10T10:00:00.000Z';
let dir: string;
let lake: FolderLake;
let firstDayEvents = 0;

beforeAll(async () => {
  const base = await testDeps();
  deps = { ...base, clock: { now: () => new Date(now) } };
  setDeps(deps);
  await deps.definitions.putValueConfig({ baseCurrency: 'USD', version: 1 }, 0);
  await ingestBrand(8, now);
  await drainStream(deps as never);
  const at = (id: string) => ({ id, occurredAt: now, correlationId: 'c' });
  await countEvents(deps, [
    makeEvent('LeadCreated', { leadId: 'l1', sourceChannel: 'wechat', ownerId: 'rep-1' }, { ...at('01JAAAAAAAAAAAAAAAAAAAAAA1'), subject: 'l1' }),
    makeEvent('LeadFollowedUp', { leadId: 'l1', ownerId: 'rep-1', followUpId: 'f1' }, { ...at('01JAAAAAAAAAAAAAAAAAAAAAA2'), subject: 'l1' }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'crm-lake-'));
  lake = new FolderLake(dir);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = async (prefix: string) => {
  const out: Record<string, unknown>[] = [];
  for (const key of await lake.list(prefix)) out.push(...gunzipSync(await lake.read(key)).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
  return out;
};

function fitsTable(table: LakeTable, row: Record<string, unknown>): void {
  const columns = LAKE_TABLES[table].columns as Record<string, AthenaType>;
  expect(Object.keys(row).sort()).toEqual(Object.keys(columns).sort());
  for (const [col, type] of Object.entries(columns)) expect({ table, col, value: row[col], fits: fitsType(row[col], type) }).toEqual({ table, col, value: row[col], fits: true });
}

describe('the lake export', () => {
  it('writes customers and orders as of the day, and the events of the complete days, each row fitting its table', async () => {
    now = '2026-03-11T02:00:00.000Z';
    const first = await runLakeExport(deps, lake);
    expect(first).toMatchObject({ asOf: '2026-03-11', customers: 8, eventDays: ['2026-03-10'] });
    const customers = await rows('analytics/customers/dt=2026-03-11/');
    const orders = await rows('analytics/orders/dt=2026-03-11/');
    const events = await rows('analytics/events/dt=2026-03-10/');
    expect(customers).toHaveLength(8);
    expect(orders.length).toBe(first.orders);
    expect(orders.length).toBeGreaterThan(8);
    customers.forEach((r) => fitsTable('customers', r));
    orders.forEach((r) => fitsTable('orders', r));
    events.forEach((r) => fitsTable('events', r));
    firstDayEvents = events.length;
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['LeadCreated', 'LeadFollowedUp']));
    expect(JSON.parse(events.find((e) => e.type === 'LeadCreated')!.data as string)).toEqual({ leadId: 'l1', sourceChannel: 'wechat', ownerId: 'rep-1' });
    // Pseudonymous: the export carries no personal field of a profile.
    expect(JSON.stringify(customers)).not.toMatch(/@example|"name"|"email"|"phone"/);
    const cancelled = orders.find((o) => o.status === 'cancelled')!;
    expect(cancelled).toMatchObject({ net_minor: 0 });
  });

  it('moves on from its checkpoint, writes a rerun over the same objects, and never a day that is not over', async () => {
    now = '2026-03-13T05:00:00.000Z';
    const second = await runLakeExport(deps, lake);
    expect(second.eventDays).toEqual(['2026-03-11', '2026-03-12']);
    const again = await runLakeExport(deps, lake);
    expect(again.eventDays).toEqual([]);
    const rerun = await runLakeExport(deps, lake, { eventDays: { from: '2026-03-10', to: '2026-03-13' } });
    expect(rerun.eventDays).toEqual(['2026-03-10', '2026-03-11', '2026-03-12']);
    expect((await rows('analytics/events/dt=2026-03-10/')).length).toBe(firstDayEvents);
    const keys = await lake.list('analytics/');
    expect(keys.filter((k) => k.includes('dt=2026-03-13/')).every((k) => !k.includes('/events/'))).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('has the Athena table definitions in docs/analytics.md', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'analytics.md'), 'utf8');
    for (const table of Object.keys(LAKE_TABLES) as LakeTable[]) expect(doc).toContain(createTableSql(table, 's3://<transfer bucket>/analytics'));
  });
});
