import { addDays, daysBetween, resolvePeriod, type Period } from '../../../domain/analytics/period';
import { chooseCurrency } from '../../../domain/analytics/query';
import type { Counters } from '../../../domain/analytics/rollups';
import { WINDOWS } from '../../../domain/analytics/history';
import { AnalyticsSnapshotsRepo, type Values } from '../../../store/analytics-snapshots-repo';
import { repoOf } from '../../../store/repo-of';
import { RollupsRepo } from '../../../store/rollups-repo';
import type { Ctx } from '../../customers';
import { freshness, ratio } from '../report-common';

/**
 * The KPI cards: each figure over the period and over the same number of days before it, with the
 * change. Revenue, orders, AOV, new profiles, checkout conversion and messages come from the
 * rollups; buyers, new buyers and repurchase rate from the full pass's rolling windows (exact for
 * 7, 30, 90 and 365-day periods ending on a snapshot day; other lengths show new buyers only);
 * active customers and churn rate from its daily base. Reads: one Query per family over both
 * periods, one of the daily series.
 */
export interface OverviewQuery {
  from?: string;
  to?: string;
  currency?: string;
}

interface Card {
  id: string;
  value: number | null;
  previous: number | null;
  /** (value − previous) / previous, or null. */
  change: number | null;
  unit: 'count' | 'money' | 'ratio';
}

const card = (id: string, unit: Card['unit'], value: number | null, previous: number | null): Card => ({ id, unit, value, previous, change: value === null || previous === null ? null : ratio(value - previous, Math.abs(previous)) });

function sumDays(rows: { day: string; counters: Counters }[], from: string, to: string): Counters {
  const out: Counters = {};
  for (const r of rows) if (r.day >= from && r.day <= to) for (const [k, v] of Object.entries(r.counters)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export async function overviewReport(ctx: Ctx, q: OverviewQuery) {
  const today = ctx.deps.clock.now().toISOString().slice(0, 10);
  const p: Period = resolvePeriod({ ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), granularity: 'day' }, today);
  const len = daysBetween(p.from, p.to) + 1;
  const prev = { from: addDays(p.from, -len), to: addDays(p.from, -1) };
  const config = await ctx.deps.definitions.valueConfig();
  const cur = chooseCurrency(q.currency, config.baseCurrency);
  const rollups = repoOf(ctx.deps, RollupsRepo);
  const snaps = repoOf(ctx.deps, AnalyticsSnapshotsRepo);
  const [orders, customers, checkouts, messages, daily, fresh] = await Promise.all([
    rollups.rows('orders', 'all', prev.from, p.to),
    rollups.rows('customers', 'all', prev.from, p.to),
    rollups.rows('checkouts', 'all', prev.from, p.to),
    rollups.rows('messages', 'all', prev.from, p.to),
    snaps.series('d', 'all', addDays(prev.from, -1), p.to),
    freshness(ctx, p),
  ]);
  const asOf = fresh.snapshotAsOf;
  const at = (day: string): Values | undefined => (asOf && day <= asOf ? (daily.get(day) ?? {}) : undefined);
  const window = WINDOWS.find((w) => w === len);
  const figures = (from: string, to: string) => {
    const o = sumDays(orders, from, to);
    const c = sumDays(customers, from, to);
    const k = sumDays(checkouts, from, to);
    const m = sumDays(messages, from, to);
    const end = at(to);
    const before = at(addDays(from, -1));
    let newBuyers: number | null = asOf && to <= asOf ? 0 : null;
    let churnedIn: number | null = newBuyers;
    for (let d = from; d <= to && newBuyers !== null && churnedIn !== null; d = addDays(d, 1)) {
      newBuyers += at(d)?.newBuyers ?? 0;
      churnedIn += at(d)?.churnedIn ?? 0;
    }
    const buyers = window && end ? (end[`w${window}Buyers`] ?? 0) : null;
    const repeat = window && end ? (end[`w${window}RepeatBuyers`] ?? 0) : null;
    const revenue = o[`revenue|${cur}`] ?? 0;
    return [
      card('revenue', 'money', revenue, null),
      card('orders', 'count', o.orders ?? 0, null),
      card('aov', 'money', ratio(revenue, o[`orders|${cur}`] ?? 0, 0), null),
      card('newProfiles', 'count', c.created ?? 0, null),
      card('newBuyers', 'count', newBuyers, null),
      card('buyers', 'count', buyers, null),
      card('repurchaseRate', 'ratio', ratio(repeat, buyers), null),
      card('activeCustomers', 'count', end ? (end.new ?? 0) + (end.active ?? 0) + (end.reactivated ?? 0) : null, null),
      card('churnRate', 'ratio', before && churnedIn !== null ? ratio(churnedIn, (before.buyersTotal ?? 0) - (before.churned ?? 0)) : null, null),
      card('checkoutConversion', 'ratio', ratio(k.completed ?? 0, k.started ?? 0), null),
      card('messagesSent', 'count', m.sent ?? 0, null),
      card('attributedRevenue', 'money', m[`revenue|${cur}`] ?? 0, null),
    ];
  };
  const now = figures(p.from, p.to);
  const before = figures(prev.from, prev.to);
  const cards = now.map((c, i) => card(c.id, c.unit, c.value, before[i]!.value));
  const trend = p.buckets.map((day) => {
    const o = sumDays(orders, day, day);
    return { day, revenue: o[`revenue|${cur}`] ?? 0, orders: o.orders ?? 0, newProfiles: sumDays(customers, day, day).created ?? 0 };
  });
  return { period: { from: p.from, to: p.to }, previous: prev, currency: cur, freshness: fresh, cards, trend };
}
