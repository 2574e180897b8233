import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitsType, LAKE_TABLES, type AthenaType, type LakeTable } from '../../shared/domain/analytics/lake-tables';
import { FolderLake } from '../../shared/usecases/analytics/lake';
import { fields, startTestStack, type TestStack } from './helpers';
import { seedTestBrand } from './analytics-world';

/**
 * Issue 9 over HTTP: a seeded brand (the seed's own code), the reports with their CSV downloads and
 * their 400s naming the bad metric, dimension, filter or period, permissions per report, the SLA
 * compliance checked against the tickets themselves, costs, and an export run whose lake files
 * parse and fit their Athena tables.
 */
jest.setTimeout(600_000);
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
  await seedTestBrand(t, 60);
}, 600_000);
afterAll(async () => {
  await t?.stop();
});

const ok = (res: { status: number; body: any }, status = 200) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect({ status: res.status, body: res.status === status ? 'ok' : res.body }).toEqual({ status, body: 'ok' });
  return res.body;
};
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe('the reports API', () => {
  it('answers each report for a period, consistent between the overview, the rows and the totals', async () => {
    const from = daysAgo(89);
    const to = today();
    const sales = ok(await t.call('GET', `/v1/reports/sales?from=${from}&to=${to}&granularity=week`, { role: 'analyst' }));
    const rows = sales.series[0].rows as { revenue: number; orders: number; buyers: number | null }[];
    expect(rows.reduce((s, r) => s + r.revenue, 0)).toBe(sales.series[0].totals.revenue);
    expect(rows.some((r) => r.orders > 0)).toBe(true);
    expect(rows.every((r) => r.buyers !== null)).toBe(true);
    const daily = ok(await t.call('GET', `/v1/reports/sales?from=${sales.period.from}&to=${sales.period.to}&metrics=revenue,orders`, { role: 'analyst' }));
    expect(daily.series[0].totals).toMatchObject({ revenue: sales.series[0].totals.revenue, orders: sales.series[0].totals.orders });
    const byStore = ok(await t.call('GET', `/v1/reports/sales?from=${from}&to=${to}&by=store&metrics=orders`, { role: 'analyst' }));
    expect(byStore.series.map((s: { key: string }) => s.key).sort()).toEqual(['flagship', 'tmall']);
    expect(byStore.series.reduce((s: number, x: { totals: { orders: number } }) => s + x.totals.orders, 0)).toBe(ok(await t.call('GET', `/v1/reports/sales?from=${from}&to=${to}&metrics=orders`, { role: 'analyst' })).series[0].totals.orders);
    const overview = ok(await t.call('GET', `/v1/reports/overview?from=${daysAgo(29)}&to=${to}`, { role: 'manager' }));
    const last30 = ok(await t.call('GET', `/v1/reports/sales?from=${daysAgo(29)}&to=${to}&metrics=revenue,buyers`, { role: 'manager' }));
    expect(overview.cards.find((c: { id: string }) => c.id === 'revenue').value).toBe(last30.series[0].totals.revenue);
    expect(overview.cards.find((c: { id: string }) => c.id === 'buyers').value).toBe(last30.series[0].totals.buyers);
    for (const path of ['/v1/reports/customers', '/v1/reports/cohorts', '/v1/reports/value', '/v1/reports/checkouts', '/v1/reports/marketing']) ok(await t.call('GET', path, { role: 'analyst' }));
  });

  it('refuses unknown metrics and dimensions, malformed filters and bad periods with a 400 naming them', async () => {
    const bad = async (path: string, field: string, text: RegExp) => {
      const res = await t.call('GET', path, { role: 'analyst' });
      expect({ path, status: res.status, fields: fields(res) }).toEqual({ path, status: 400, fields: [field] });
      expect(res.body.errors[0].message).toMatch(text);
    };
    await bad('/v1/reports/sales?metrics=revenue,profit,margin', 'metrics', /"profit", "margin"/);
    await bad('/v1/reports/sales?by=colour', 'by', /"colour"/);
    await bad(`/v1/reports/sales?store=${encodeURIComponent('bad\u0001store')}`, 'store', /printable/);
    await bad(`/v1/reports/sales?store=a&channel=web`, 'channel', /one of store or channel/);
    await bad('/v1/reports/checkouts?channel=web', 'channel', /store only/);
    await bad(`/v1/reports/sales?from=${today()}&to=${daysAgo(3)}`, 'from', /not be after to/);
    await bad(`/v1/reports/sales?from=${daysAgo(500)}&granularity=day`, 'from', /at most 400 days/);
    await bad('/v1/reports/sales?from=1985-01-01', 'from', /1990-01-01/);
    await bad('/v1/reports/sales?to=2024-02-30', 'to', /date/);
    await bad('/v1/reports/sales?granularity=hour', 'granularity', /day, week, month/);
    await bad('/v1/reports/customers?channel=web&metrics=churnRate', 'channel', /cannot filter churnRate/);
    await bad('/v1/reports/cohorts?months=99', 'months', /1-36/);
    await bad('/v1/reports/value?window=45', 'window', /7, 30, 90/);
    await bad('/v1/reports/sales?colour=red', 'query.colour', /./);
    // A monthly report may cover five years.
    ok(await t.call('GET', `/v1/reports/sales?from=${daysAgo(1700)}&granularity=month&metrics=orders`, { role: 'analyst' }));
  });

  it('downloads each report as CSV: a header and one line per bucket, plus the totals', async () => {
    const res = await t.call('GET', `/v1/reports/sales?from=${daysAgo(6)}&to=${today()}&metrics=orders,revenue&format=csv`, { role: 'analyst' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="sales-/);
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('key,bucket,orders,revenue');
    expect(lines).toHaveLength(1 + 7 + 1);
    expect(lines[lines.length - 1]).toMatch(/^all,total,\d+,-?\d+$/);
    const cohorts = await t.call('GET', '/v1/reports/cohorts?months=3&format=csv', { role: 'analyst' });
    expect(cohorts.text.split('\r\n')[0]).toBe('cohort,size,m0,m1,m2');
    const bad = await t.call('GET', '/v1/reports/sales?metrics=nope&format=csv', { role: 'analyst' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('gives no buyer figures (null, with a note) for a store the full pass does not keep, never a zero', async () => {
    const res = ok(await t.call('GET', `/v1/reports/sales?from=${daysAgo(6)}&to=${today()}&store=no-such-store&metrics=orders,buyers,repurchaseRate`, { role: 'analyst' }));
    expect(res.series[0].totals).toMatchObject({ orders: 0, buyers: null, repurchaseRate: null });
    expect(res.series[0].rows.every((r: { buyers: unknown }) => r.buyers === null)).toBe(true);
    expect(res.notes.join(' ')).toMatch(/busiest stores only; none for no-such-store/);
  });

  it('checks permissions per report: analytics:read, service:reports, pipeline:reports', async () => {
    expect((await t.call('GET', '/v1/reports/sales', { role: 'agent' })).status).toBe(403);
    expect((await t.call('GET', '/v1/reports/overview', { role: 'sales' })).status).toBe(403);
    expect((await t.call('GET', '/v1/reports/service-trend', { role: 'marketer' })).status).toBe(403);
    expect((await t.call('GET', '/v1/reports/sales-activity', { role: 'marketer' })).status).toBe(403);
    expect((await t.call('GET', '/v1/reports/sales', { role: null })).status).toBe(401);
    ok(await t.call('GET', '/v1/reports/sales-activity', { role: 'analyst' }));
    expect((await t.call('POST', '/v1/analytics/runs', { role: 'agent', body: { kind: 'snapshot' } })).status).toBe(403);
  });

  it('gives the SLA compliance the tickets themselves show', async () => {
    const report = ok(await t.call('GET', `/v1/reports/service-trend?from=${daysAgo(6)}&metrics=slaMet,slaBreached,slaCompliance,created`, { role: 'manager' }));
    let met = 0;
    let breached = 0;
    let created = 0;
    for (const status of ['new', 'open', 'pending', 'on-hold', 'solved', 'closed']) {
      let cursor: string | undefined;
      do {
        const page = ok(await t.call('GET', `/v1/tickets?status=${status}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { role: 'manager' }));
        for (const tk of page.items as { sla?: { clocks: { outcome?: string; breached?: boolean; state?: string }[] } }[]) {
          created++;
          for (const c of tk.sla?.clocks ?? []) {
            if (c.breached) breached++;
            else if (c.outcome === 'met' && c.state === 'stopped') met++;
          }
        }
        cursor = page.cursor;
      } while (cursor);
    }
    expect(created).toBeGreaterThan(5);
    expect(met).toBeGreaterThan(0);
    expect(report.totals).toMatchObject({ created, slaMet: met, slaBreached: breached, slaCompliance: Math.round((met / (met + breached)) * 1000) / 1000 });
  });

  it('keeps marketing costs per month and sets them against the profiles each channel brought', async () => {
    const month = today().slice(0, 7);
    const put = ok(await t.call('PUT', `/v1/analytics/costs/${month}`, { role: 'marketer', body: { currency: 'USD', channels: { 'paid-search': 123_456 } } }));
    expect(put).toMatchObject({ month, channels: { 'paid-search': 123_456 }, updatedBy: 'local-marketer' });
    expect(fields(await t.call('PUT', '/v1/analytics/costs/2024-13', { role: 'marketer', body: { currency: 'USD' } }))).toEqual(['path.month']);
    expect(fields(await t.call('PUT', `/v1/analytics/costs/${month}`, { role: 'marketer', body: { currency: 'usd', channels: { web: -1 } } })).sort()).toEqual(['channels.web', 'currency']);
    const listed = ok(await t.call('GET', `/v1/analytics/costs?from=${month}&to=${month}`, { role: 'analyst' }));
    expect(listed.items).toHaveLength(1);
    const m = ok(await t.call('GET', `/v1/reports/marketing?from=${month}-01`, { role: 'analyst' }));
    const paid = m.acquisition.find((a: { channel: string }) => a.channel === 'paid-search');
    expect(paid.cost).toBeGreaterThan(0);
    expect(m.sources.length).toBeGreaterThan(0);
    expect(m.sources[0]).toMatchObject({ kind: 'campaign', sent: expect.any(Number), cost: expect.any(Number) });
    // Each source's figures of the period (the origin rollups) beside its lifetime ones: the seed's campaign sent this month.
    const sent = m.sources.find((s: { kind: string; sent: number }) => s.kind === 'campaign' && s.sent > 0);
    expect(sent.period.sent).toBeGreaterThan(0);
    expect(sent.period.sent).toBeLessThanOrEqual(sent.sent);
    expect(sent.period.cost).toBeLessThanOrEqual(sent.cost);
    expect(sent.period.rates.open).toBe(sent.period.sent ? Math.round((sent.period.opened / sent.period.sent) * 10_000) / 10_000 : null);
    // Over last year's weeks the same campaign, had it been active then, sent nothing: its period is empty while its lifetime stays.
    const lastYear = ok(await t.call('GET', `/v1/reports/marketing?from=${daysAgo(400)}&to=${daysAgo(380)}`, { role: 'analyst' }));
    for (const s of lastYear.sources) expect({ id: s.id, sent: s.period.sent, revenue: s.period.revenue }).toEqual({ id: s.id, sent: 0, revenue: 0 });
  });

  it('runs the lake export on demand: customers, orders and events as gzip JSON lines that fit their Athena tables', async () => {
    const run = ok(await t.call('POST', '/v1/analytics/runs', { role: 'analyst', body: { kind: 'export', eventDays: { from: daysAgo(1), to: today() } }, headers: { 'idempotency-key': 'export-1' } }), 202);
    expect(run).toMatchObject({ kind: 'export', status: 'queued', trigger: 'request', requestedBy: 'local-analyst' });
    let done = run;
    for (let i = 0; i < 240 && (done.status === 'queued' || done.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      done = ok(await t.call('GET', `/v1/analytics/runs/${run.id}`, { role: 'analyst' }));
    }
    expect(done).toMatchObject({ status: 'completed', result: { customers: expect.any(Number), orders: expect.any(Number) } });
    expect(ok(await t.call('GET', '/v1/analytics/runs', { role: 'analyst' })).items.map((r: { id: string }) => r.id)).toContain(run.id);
    const lake = new FolderLake(t.stack.blobs.root);
    const keys = await lake.list('analytics/');
    const rowsOf = (table: LakeTable) =>
      keys
        .filter((k) => k.startsWith(`analytics/${table}/dt=`))
        .flatMap((k) => gunzipSync(readFileSync(join(t.stack.blobs.root, ...k.split('/')))).toString('utf8').split('\n').filter(Boolean))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const table of ['customers', 'orders'] as const) {
      const rows = rowsOf(table);
      expect(rows.length).toBe(done.result[table]);
      const columns = LAKE_TABLES[table].columns as Record<string, AthenaType>;
      for (const row of rows) {
        expect(Object.keys(row).sort()).toEqual(Object.keys(columns).sort());
        for (const [col, type] of Object.entries(columns)) expect({ col, value: row[col], fits: fitsType(row[col], type) }).toEqual({ col, value: row[col], fits: true });
      }
    }
    expect(rowsOf('customers').some((r) => 'email' in r || 'name' in r || 'phone' in r)).toBe(false);
    expect(keys.every((k) => /^analytics\/(customers|orders|events)\/dt=\d{4}-\d{2}-\d{2}\/part-\d{5}\.json\.gz$/.test(k))).toBe(true);
  });
});
