import { addDays, bucketEnd } from '../../../domain/analytics/period';
import { chooseDimension, chooseFilter, chooseMetrics, type Filter } from '../../../domain/analytics/query';
import type { Counters } from '../../../domain/analytics/rollups';
import { AnalyticsSnapshotsRepo, type Values } from '../../../store/analytics-snapshots-repo';
import { repoOf } from '../../../store/repo-of';
import type { Ctx } from '../../customers';
import { freshness, ratio, refuseFiltered, reportBase, rollupBuckets, sumCounters, type Freshness } from '../report-common';

/**
 * The customer base by bucket: profiles created, deleted and merged (rollups, by source channel or
 * store); customers and buyers at the bucket's end, new buyers, the lifecycle stages at the end
 * (new, active, reactivated, dormant, churned, prospects), churned in the bucket, churn rate and
 * growth rate (full pass, whole base). `current`: the last snapshot's split by source channel and
 * store, data quality (completeness, contactable, open duplicate candidates), lifecycle and tiers
 * as the segmentation engine has them now.
 */
export const CUSTOMER_METRICS = ['newProfiles', 'deletedProfiles', 'mergedProfiles', 'customers', 'buyersTotal', 'newBuyers', 'prospects', 'new', 'active', 'reactivated', 'dormant', 'churned', 'churnedIn', 'churnRate', 'growthRate'] as const;
export type CustomerMetric = (typeof CUSTOMER_METRICS)[number];
const PROFILE_METRICS: readonly string[] = ['newProfiles', 'deletedProfiles', 'mergedProfiles'];
const BASE_METRICS = CUSTOMER_METRICS.filter((m) => !PROFILE_METRICS.includes(m));
export const CUSTOMER_DIMENSIONS = ['channel', 'store'] as const;

export interface CustomersQuery {
  from?: string;
  to?: string;
  granularity?: string;
  metrics?: string;
  by?: string;
  store?: string;
  channel?: string;
}

type Row = Record<string, number | string | null>;

export async function customersReport(ctx: Ctx, q: CustomersQuery) {
  const filter = chooseFilter(q, CUSTOMER_DIMENSIONS);
  const by = chooseDimension(q.by, CUSTOMER_DIMENSIONS);
  // With a filter or a breakdown the default is what can be split: the profile counts.
  const metrics = chooseMetrics(q.metrics ?? (filter || by ? PROFILE_METRICS.join(',') : undefined), CUSTOMER_METRICS);
  refuseFiltered(metrics, BASE_METRICS, filter ?? (by ? { dim: 'by' } : undefined));
  const base = await reportBase(ctx, q);
  const p = base.period;
  const dim = filter?.dim ?? by ?? 'all';
  const counters = await rollupBuckets(ctx, 'customers', dim, p);
  const fresh = await freshness(ctx, p);
  const snaps = repoOf(ctx.deps, AnalyticsSnapshotsRepo);
  const wantsBase = metrics.some((m) => BASE_METRICS.includes(m));
  // Daily base series from the day before the period (for growth and churn rates), one Query.
  const daily = wantsBase ? await snaps.series('d', 'all', addDays(p.from, -1), p.to) : new Map<string, Values>();
  const at = (day: string): Values | undefined => {
    if (!fresh.snapshotAsOf || day > fresh.snapshotAsOf) return undefined;
    // A day without an item had nothing: the newest earlier day's running totals still hold only for
    // totals; days are written for every day since the first customer, so a missing one is before it.
    return daily.get(day) ?? {};
  };
  const keys = filter ? [filter.value] : by ? [...counters.keys()].sort() : ['*'];
  const series = keys.map((key) => {
    const byBucket = counters.get(key) ?? new Map<string, Counters>();
    const rows = p.buckets.map((b) => {
      const c = byBucket.get(b) ?? {};
      const row: Row = { bucket: b, newProfiles: c.created ?? 0, deletedProfiles: c.deleted ?? 0, mergedProfiles: c.merged ?? 0 };
      if (wantsBase && key === '*') Object.assign(row, baseRow(b, bucketEnd(b, p.granularity), at));
      return keepRow(row, metrics);
    });
    const all = sumCounters(byBucket.values());
    const totals: Row = { bucket: `${p.from}..${p.to}`, newProfiles: all.created ?? 0, deletedProfiles: all.deleted ?? 0, mergedProfiles: all.merged ?? 0 };
    if (wantsBase && key === '*') Object.assign(totals, baseRow(p.from, p.to, at));
    return { key: key === '*' ? 'all' : key, rows, totals: keepRow(totals, metrics) };
  });
  const state = fresh.snapshotAsOf ? await snaps.stateOnOrBefore<Record<string, unknown>>(p.to < fresh.snapshotAsOf ? p.to : fresh.snapshotAsOf) : undefined;
  const s = state?.state;
  return {
    period: { from: p.from, to: p.to, granularity: p.granularity },
    metrics,
    filter: (filter ?? null) as Filter | null,
    by: by ?? null,
    freshness: fresh as Freshness,
    series,
    current: s
      ? { asOf: state!.day, customers: s.customers, buyers: s.buyers, prospects: s.prospects, repeatBuyers: s.repeatBuyers, bySourceChannel: s.bySourceChannel, byStore: s.byStore, quality: s.quality, lifecycle: s.lifecycle, tiers: s.tiers }
      : null,
  };
}

/** Base figures of [from, end]: stocks at the end, flows over the days, rates against the day before. */
function baseRow(from: string, end: string, at: (day: string) => Values | undefined): Row {
  const last = at(end);
  const before = at(addDays(from, -1));
  if (!last) return Object.fromEntries(BASE_METRICS.map((m) => [m, null]));
  let newBuyers = 0;
  let churnedIn = 0;
  for (let d = from; d <= end; d = addDays(d, 1)) {
    const v = at(d);
    newBuyers += v?.newBuyers ?? 0;
    churnedIn += v?.churnedIn ?? 0;
  }
  const customers = last.customers ?? 0;
  const atRisk = before ? (before.buyersTotal ?? 0) - (before.churned ?? 0) : null;
  return {
    customers,
    buyersTotal: last.buyersTotal ?? 0,
    newBuyers,
    prospects: last.prospect ?? 0,
    new: last.new ?? 0,
    active: last.active ?? 0,
    reactivated: last.reactivated ?? 0,
    dormant: last.dormant ?? 0,
    churned: last.churned ?? 0,
    churnedIn,
    churnRate: ratio(churnedIn, atRisk),
    growthRate: before ? ratio(customers - (before.customers ?? 0), before.customers ?? 0) : null,
  };
}

function keepRow(r: Row, metrics: readonly string[]): Row {
  const out: Row = { bucket: r.bucket ?? null };
  for (const m of metrics) out[m] = r[m] ?? null;
  return out;
}
