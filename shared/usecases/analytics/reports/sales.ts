import { bucketEnd, type Period } from '../../../domain/analytics/period';
import { chooseCurrency, chooseDimension, chooseFilter, chooseMetrics, type Filter } from '../../../domain/analytics/query';
import type { Counters } from '../../../domain/analytics/rollups';
import type { Values } from '../../../store/analytics-snapshots-repo';
import { AnalyticsSnapshotsRepo } from '../../../store/analytics-snapshots-repo';
import { repoOf } from '../../../store/repo-of';
import type { Ctx } from '../../customers';
import { freshness, ratio, reportBase, rollupBuckets, seriesFor, sumCounters, windowOf, type Freshness } from '../report-common';

/**
 * Purchasing by bucket: orders, revenue (net of refunds, by the day orders were placed), gross,
 * refunds, AOV, units, cancellations — from the rollups, current to the last event — and distinct
 * buyers, new, returning and repeat buyers, repurchase rate and purchase frequency — from the full
 * pass (exact per bucket). Filter by store or sales channel, or break down by either.
 */
export const SALES_METRICS = ['orders', 'revenue', 'grossRevenue', 'refunds', 'aov', 'units', 'cancelled', 'buyers', 'newBuyers', 'returningBuyers', 'repeatBuyers', 'repurchaseRate', 'purchaseFrequency'] as const;
export type SalesMetric = (typeof SALES_METRICS)[number];
export const SALES_DIMENSIONS = ['store', 'channel'] as const;

export interface SalesQuery {
  from?: string;
  to?: string;
  granularity?: string;
  metrics?: string;
  by?: string;
  store?: string;
  channel?: string;
  currency?: string;
}

type Row = Record<string, number | string | null>;

function rowOf(bucket: string, c: Counters, s: Values | undefined, cur: string): Row {
  const orders = c[`orders|${cur}`] ?? 0;
  const revenue = c[`revenue|${cur}`] ?? 0;
  const buyers = s ? (s.buyers ?? 0) : null;
  const newBuyers = s ? (s.newBuyers ?? 0) : null;
  const repeat = s ? (s.repeatBuyers ?? 0) : null;
  return {
    bucket,
    orders: c.orders ?? 0,
    revenue,
    grossRevenue: c[`gross|${cur}`] ?? 0,
    refunds: c[`refunded|${cur}`] ?? 0,
    aov: ratio(revenue, orders, 0),
    units: c.units ?? 0,
    cancelled: c.cancelled ?? 0,
    buyers,
    newBuyers,
    returningBuyers: buyers === null || newBuyers === null ? null : buyers - newBuyers,
    repeatBuyers: repeat,
    repurchaseRate: ratio(repeat, buyers),
    purchaseFrequency: s ? ratio(s.orders ?? 0, buyers, 2) : null,
  };
}

/** Distinct-buyer figures for the whole period: exact when it is one bucket, or a rolling window ending on a snapshot day. */
async function periodDistinct(ctx: Ctx, p: Period, slice: string, series: Map<string, Values>, asOf: string): Promise<Values | undefined> {
  if (p.buckets.length === 1) return p.buckets[0]! <= asOf ? (series.get(p.buckets[0]!) ?? {}) : undefined;
  const w = windowOf(p);
  if (!w || p.to > asOf) return undefined;
  const end = (await repoOf(ctx.deps, AnalyticsSnapshotsRepo).series('d', slice, p.to, p.to)).get(p.to) ?? {};
  return { buyers: end[`w${w}Buyers`] ?? 0, newBuyers: end[`w${w}NewBuyers`] ?? 0, repeatBuyers: end[`w${w}RepeatBuyers`] ?? 0, orders: [...series.values()].reduce((s, v) => s + (v.orders ?? 0), 0) };
}

export interface SalesReport {
  period: { from: string; to: string; granularity: string };
  currency: string;
  metrics: SalesMetric[];
  filter: Filter | null;
  by: string | null;
  freshness: Freshness;
  series: { key: string; rows: Row[]; totals: Row }[];
  notes: string[];
}

export async function salesReport(ctx: Ctx, q: SalesQuery): Promise<SalesReport> {
  const metrics = chooseMetrics(q.metrics, SALES_METRICS);
  const by = chooseDimension(q.by, SALES_DIMENSIONS);
  const filter = chooseFilter(q, SALES_DIMENSIONS);
  const base = await reportBase(ctx, q);
  const cur = chooseCurrency(q.currency, base.baseCurrency);
  const p = base.period;
  const dim = filter?.dim ?? by ?? 'all';
  const counters = await rollupBuckets(ctx, 'orders', dim, p);
  const keys = filter ? [filter.value] : by ? [...counters.keys()].sort() : ['*'];
  const notes: string[] = [];
  if (cur !== base.baseCurrency) notes.push(`Buyer figures (buyers, repeat buyers, frequency) count orders in every currency; revenue and AOV are in ${cur}.`);
  const fresh = await freshness(ctx, p);
  // Full-pass figures exist for the buckets that start on or before the last snapshot day, and for
  // the slices the pass keeps (the whole base and the busiest stores and channels).
  const index = await repoOf(ctx.deps, AnalyticsSnapshotsRepo).index();
  const tracked = (key: string) => key === '*' || (dim === 'store' ? (index?.stores ?? []) : dim === 'channel' ? (index?.channels ?? []) : []).includes(key);
  const untracked = index ? keys.filter((k) => !tracked(k)) : [];
  if (untracked.length) notes.push(`Buyer figures are kept for the busiest ${dim === 'store' ? 'stores' : 'channels'} only; none for ${untracked.join(', ')}.`);
  const series = [];
  for (const key of keys) {
    const slice = key === '*' ? 'all' : `${dim}:${key}`;
    const covered = (b: string) => fresh.snapshotAsOf !== null && b <= fresh.snapshotAsOf && tracked(key);
    const snap = tracked(key) ? await seriesFor(ctx, slice, p) : new Map<string, Values>();
    const byBucket = counters.get(key) ?? new Map<string, Counters>();
    const rows = p.buckets.map((b) => rowOf(b, byBucket.get(b) ?? {}, covered(b) ? (snap.get(b) ?? {}) : undefined, cur));
    const distinct = fresh.snapshotAsOf === null || !tracked(key) ? undefined : await periodDistinct(ctx, p, slice, snap, fresh.snapshotAsOf);
    const totals = rowOf(`${p.from}..${bucketEnd(p.buckets[p.buckets.length - 1]!, p.granularity)}`, sumCounters(byBucket.values()), distinct, cur);
    series.push({ key: key === '*' ? 'all' : key, rows: rows.map((r) => keep(r, metrics)), totals: keep(totals, metrics) });
  }
  if (p.buckets.length > 1 && !windowOf(p)) notes.push('Distinct-buyer totals are given for one bucket or a 7, 30, 90 or 365-day daily period; see the rows for the others.');
  return { period: { from: p.from, to: p.to, granularity: p.granularity }, currency: cur, metrics, filter: filter ?? null, by: by ?? null, freshness: fresh, series, notes };
}

function keep(r: Row, metrics: readonly string[]): Row {
  const out: Row = { bucket: r.bucket ?? null };
  for (const m of metrics) out[m] = r[m] ?? null;
  return out;
}
