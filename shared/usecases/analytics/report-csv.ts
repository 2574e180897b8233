import { toCsv } from '../../domain/analytics/csv';

/** Each report as the one table its CSV download holds (the JSON answer has more). */
type SeriesReport = { metrics: readonly string[]; series: { key: string; rows: Record<string, unknown>[]; totals: Record<string, unknown> }[] };

export function seriesCsv(r: SeriesReport): string {
  const rows = r.series.flatMap((s) => [...s.rows.map((row) => ({ ...row, key: s.key })), { ...s.totals, key: s.key, bucket: 'total' }]);
  return toCsv(['key', 'bucket', ...r.metrics], rows);
}

export function rowsCsv(r: { metrics: readonly string[]; rows: Record<string, unknown>[]; totals: Record<string, unknown> }): string {
  return toCsv(['bucket', ...r.metrics], [...r.rows, { ...r.totals, bucket: 'total' }]);
}

export function overviewCsv(r: { cards: { id: string; unit: string; value: number | null; previous: number | null; change: number | null }[] }): string {
  return toCsv(['id', 'unit', 'value', 'previous', 'change'], r.cards);
}

export function cohortsCsv(r: { months: number; cohorts: { month: string; size: number; values: (number | null)[] }[] }): string {
  const cols = Array.from({ length: r.months }, (_, k) => `m${k}`);
  return toCsv(['cohort', 'size', ...cols], r.cohorts.map((c) => ({ cohort: c.month, size: c.size, ...Object.fromEntries(c.values.map((v, k) => [`m${k}`, v])) })));
}

export function valueCsv(r: { asOf: string | null; rfm: { groups: { id: string; name: string; customers: number; engine: number }[] } | null }): string {
  return toCsv(['asOf', 'group', 'name', 'customers', 'engineCustomers'], (r.rfm?.groups ?? []).map((g) => ({ asOf: r.asOf, group: g.id, name: g.name, customers: g.customers, engineCustomers: g.engine })));
}
