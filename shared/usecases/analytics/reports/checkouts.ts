import { chooseCurrency, chooseDimension, chooseFilter, chooseMetrics } from '../../../domain/analytics/query';
import type { Counters } from '../../../domain/analytics/rollups';
import type { Ctx } from '../../customers';
import { ratio, reportBase, rollupBuckets, sumCounters } from '../report-common';

/**
 * The checkout → order funnel by the day checkouts started: started, abandoned (declared abandoned
 * carts), completed (an order came from it), recovered (completed after being abandoned), their
 * values, and the rates; orders placed in the bucket for scale. Filter or break down by store.
 */
export const CHECKOUT_METRICS = ['started', 'abandoned', 'completed', 'recovered', 'startedValue', 'completedValue', 'conversionRate', 'abandonmentRate', 'recoveryRate', 'orders'] as const;
const DIMS = ['store'] as const;

export interface CheckoutsQuery {
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

function rowOf(bucket: string, c: Counters, o: Counters, cur: string): Row {
  const started = c.started ?? 0;
  const abandoned = c.abandoned ?? 0;
  return {
    bucket,
    started,
    abandoned,
    completed: c.completed ?? 0,
    recovered: c.recovered ?? 0,
    startedValue: c[`startedValue|${cur}`] ?? 0,
    completedValue: c[`completedValue|${cur}`] ?? 0,
    conversionRate: ratio(c.completed ?? 0, started),
    abandonmentRate: ratio(abandoned, started),
    recoveryRate: ratio(c.recovered ?? 0, abandoned),
    orders: o.orders ?? 0,
  };
}

export async function checkoutsReport(ctx: Ctx, q: CheckoutsQuery) {
  const metrics = chooseMetrics(q.metrics, CHECKOUT_METRICS);
  const by = chooseDimension(q.by, DIMS);
  const filter = chooseFilter(q, DIMS);
  const base = await reportBase(ctx, q);
  const cur = chooseCurrency(q.currency, base.baseCurrency);
  const p = base.period;
  const dim = filter?.dim ?? by ?? 'all';
  const [checkouts, orders] = await Promise.all([rollupBuckets(ctx, 'checkouts', dim, p), rollupBuckets(ctx, 'orders', dim, p)]);
  const keys = filter ? [filter.value] : by ? [...new Set([...checkouts.keys(), ...orders.keys()])].sort() : ['*'];
  const keep = (r: Row) => Object.fromEntries([['bucket', r.bucket], ...metrics.map((m) => [m, r[m] ?? null])]) as Row;
  const series = keys.map((key) => {
    const c = checkouts.get(key) ?? new Map<string, Counters>();
    const o = orders.get(key) ?? new Map<string, Counters>();
    return {
      key: key === '*' ? 'all' : key,
      rows: p.buckets.map((b) => keep(rowOf(b, c.get(b) ?? {}, o.get(b) ?? {}, cur))),
      totals: keep(rowOf(`${p.from}..${p.to}`, sumCounters(c.values()), sumCounters(o.values()), cur)),
    };
  });
  return { period: { from: p.from, to: p.to, granularity: p.granularity }, currency: cur, metrics, filter: filter ?? null, by: by ?? null, series };
}
