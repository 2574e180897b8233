import { toCsv } from '../../shared/domain/analytics/csv';
import { createTableSql, fitsType, LAKE_TABLES } from '../../shared/domain/analytics/lake-tables';
import { dayNumber } from '../../shared/domain/analytics/period';
import { CohortBuilder, completeness, distribution, MONEY_EDGES, NOT_YET, rfmInputAsOf, rfmSnapshot } from '../../shared/domain/analytics/value';

const D = (s: string) => dayNumber(s);
const orders = (xs: [string, number][]) => xs.map(([d, net]) => ({ day: D(d), net }));

describe('retention cohorts', () => {
  it('count each customer once per month they bought in, with the revenue of the month', () => {
    const c = new CohortBuilder();
    c.add(orders([['2025-01-05', 100], ['2025-01-20', 50], ['2025-03-02', 70]]));
    c.add(orders([['2025-01-31', 10]]));
    c.add(orders([['2025-02-01', 10], ['2025-03-01', 20]]));
    expect(c.result('2025-04')).toEqual([
      { month: '2025-01', size: 2, active: [2, 0, 1, 0], revenue: [160, 0, 70, 0] },
      { month: '2025-02', size: 1, active: [1, 1, 0], revenue: [10, 20, 0] },
    ]);
  });
});

describe('RFM as of a day', () => {
  it('takes only the orders up to the day', () => {
    expect(rfmInputAsOf(orders([['2025-01-01', 100], ['2025-02-01', 50]]), D('2025-01-15'))).toEqual({ recencyDays: 14, frequency: 1, monetary: 100 });
    expect(rfmInputAsOf(orders([['2025-02-01', 50]]), D('2025-01-15'))).toBeUndefined();
  });

  it('sizes the groups, fills the 5 × 5 grid and tracks movement from the start of each window', () => {
    const customers = Array.from({ length: 50 }, (_, i) => orders(Array.from({ length: 1 + (i % 5) }, (_, k): [string, number] => [new Date(Date.UTC(2025, 0, 1 + i + k * 20)).toISOString().slice(0, 10), 1_000 * (1 + (i % 7))])));
    const snap = rfmSnapshot(customers, D('2025-06-30'))!;
    expect(snap.cutsSource).toBe('computed');
    expect(Object.values(snap.sizes).reduce((a, b) => a + b, 0)).toBe(50);
    expect(snap.grid.flat().reduce((a, b) => a + b, 0)).toBe(50);
    for (const w of [7, 30, 90] as const) expect(Object.values(snap.movement[w]).reduce((a, b) => a + b, 0)).toBe(50);
    // Customers whose first order is within the last 90 days were not buyers at the window's start.
    const late = customers.filter((os) => os[0]!.day > D('2025-06-30') - 90).length;
    expect(Object.entries(snap.movement[90]).filter(([k]) => k.startsWith(`${NOT_YET}>`)).reduce((s, [, n]) => s + n, 0)).toBe(late);
    expect(rfmSnapshot([], D('2025-06-30'))).toBeUndefined();
  });
});

describe('distributions and completeness', () => {
  it('bucket values by edges (the last open) with mean and nearest-rank percentiles', () => {
    const d = distribution([0, 5, 10, 24.99, 25, 12_000], MONEY_EDGES);
    expect(d.counts.slice(0, 3)).toEqual([2, 2, 1]);
    expect(d.counts[d.counts.length - 1]).toBe(1);
    expect(d).toMatchObject({ n: 6, mean: 2010.83, percentiles: { p10: 0, p50: 10, p90: 12_000 } });
    expect(distribution([], MONEY_EDGES)).toMatchObject({ n: 0, mean: null, percentiles: null });
  });

  it('measure completeness on seven fields by presence', () => {
    expect(completeness({ name: 'x', email: 'enc:...', city: 'Shanghai', sourceChannel: 'web' })).toBeCloseTo(4 / 7);
    expect(completeness({ name: '' })).toBe(0);
  });
});

describe('CSV and the lake tables', () => {
  it('write RFC 4180 CSV and defuse cells a spreadsheet would run', () => {
    expect(toCsv(['a', 'b'], [{ a: 'x,y', b: '=SUM(A1)' }, { a: 'say "hi"', b: -5 }, { a: null }])).toBe('a,b\r\n"x,y",\'=SUM(A1)\r\n"say ""hi""",-5\r\n,\r\n');
  });

  it('print a partition-projected CREATE EXTERNAL TABLE for each table', () => {
    const sql = createTableSql('orders', 's3://bucket/analytics');
    expect(sql).toContain('CREATE EXTERNAL TABLE IF NOT EXISTS crm.orders (');
    expect(sql).toContain("LOCATION 's3://bucket/analytics/orders/'");
    expect(sql).toContain("'storage.location.template' = 's3://bucket/analytics/orders/dt=${dt}/'");
    for (const col of Object.keys(LAKE_TABLES.orders.columns)) expect(sql).toContain(`\`${col}\``);
  });

  it('check values against their Athena types', () => {
    expect(fitsType(3, 'bigint')).toBe(true);
    expect(fitsType(3.5, 'bigint')).toBe(false);
    expect(fitsType(null, 'string')).toBe(true);
    expect(fitsType({ USD: 100 }, 'map<string,bigint>')).toBe(true);
    expect(fitsType(['a', 1], 'array<string>')).toBe(false);
    expect(fitsType([{ product: 'CD', category: null, sku: null, quantity: 1, unit_price_minor: 999 }], LAKE_TABLES.orders.columns.lines)).toBe(true);
  });
});
