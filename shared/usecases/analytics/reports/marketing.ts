import { addDays, addMonths, daysBetween, monthEnd, monthStart } from '../../../domain/analytics/period';
import { chooseCurrency, chooseDimension, chooseFilter, chooseMetrics } from '../../../domain/analytics/query';
import type { Counters } from '../../../domain/analytics/rollups';
import { fixedShare, messageCost, ratesOf, roi, zeroCounters } from '../../../domain/campaigns/results';
import type { Campaign } from '../../../domain/campaigns/campaign';
import { AnalyticsRunsRepo } from '../../../store/analytics-runs-repo';
import { CampaignsRepo } from '../../../store/campaigns-repo';
import { JourneysRepo } from '../../../store/journeys-repo';
import { repoOf } from '../../../store/repo-of';
import type { Ctx } from '../../customers';
import { sourceStats } from '../../messaging/stats';
import { ratio, reportBase, rollupBuckets, sumCounters } from '../report-common';

/**
 * Marketing: messages per bucket (sent, delivered, opened, clicked, converted, attributed revenue;
 * by channel or source kind) from the rollups; per campaign and journey active in the period, their
 * lifetime counters from the send pipeline's stats (messaging's `sourceStats`, read, not
 * re-counted), rates, revenue, cost and ROI (a campaign's own cost model; journeys' costs as
 * entered); acquisition cost per source channel: the spend entered for the months of the period
 * (prorated by days) over the profiles that channel brought in the period.
 */
export const MESSAGE_METRICS = ['sent', 'delivered', 'opened', 'clicked', 'converted', 'bounced', 'unsubscribed', 'revenue', 'openRate', 'clickRate', 'conversionRate'] as const;
const DIMS = ['channel', 'source'] as const;
const MAX_SOURCES = 50;

export interface MarketingQuery {
  from?: string;
  to?: string;
  granularity?: string;
  metrics?: string;
  by?: string;
  channel?: string;
  currency?: string;
}

type Row = Record<string, number | string | null>;

function messageRow(bucket: string, c: Counters, cur: string): Row {
  const sent = c.sent ?? 0;
  return {
    bucket,
    sent,
    delivered: c.delivered ?? 0,
    opened: c.opened ?? 0,
    clicked: c.clicked ?? 0,
    converted: c.converted ?? 0,
    bounced: c.bounced ?? 0,
    unsubscribed: c.unsubscribed ?? 0,
    revenue: c[`revenue|${cur}`] ?? 0,
    openRate: ratio(c.opened ?? 0, sent),
    clickRate: ratio(c.clicked ?? 0, sent),
    conversionRate: ratio(c.converted ?? 0, sent),
  };
}

const activeIn = (c: Campaign, from: string, to: string) => {
  const start = (c.startedAt ?? c.startAt ?? c.scheduledAt)?.slice(0, 10);
  if (!start || start > to) return false;
  const end = (c.completedAt ?? c.cancelledAt)?.slice(0, 10);
  return !end || end >= from;
};

export async function marketingReport(ctx: Ctx, q: MarketingQuery) {
  const metrics = chooseMetrics(q.metrics, MESSAGE_METRICS);
  const by = chooseDimension(q.by, DIMS);
  const filter = chooseFilter(q, ['channel']);
  const base = await reportBase(ctx, q);
  const cur = chooseCurrency(q.currency, base.baseCurrency);
  const p = base.period;
  const dim = filter?.dim ?? by ?? 'all';
  const [messages, profiles, campaignsPage, journeysPage, costs] = await Promise.all([
    rollupBuckets(ctx, 'messages', dim, p),
    rollupBuckets(ctx, 'customers', 'channel', p),
    repoOf(ctx.deps, CampaignsRepo).list(undefined, MAX_SOURCES),
    repoOf(ctx.deps, JourneysRepo).list(MAX_SOURCES),
    repoOf(ctx.deps, AnalyticsRunsRepo).allCosts(),
  ]);
  const keys = filter ? [filter.value] : by ? [...messages.keys()].sort() : ['*'];
  const keep = (r: Row) => Object.fromEntries([['bucket', r.bucket], ...metrics.map((m) => [m, r[m] ?? null])]) as Row;
  const series = keys.map((key) => {
    const m = messages.get(key) ?? new Map<string, Counters>();
    return { key: key === '*' ? 'all' : key, rows: p.buckets.map((b) => keep(messageRow(b, m.get(b) ?? {}, cur))), totals: keep(messageRow(`${p.from}..${p.to}`, sumCounters(m.values()), cur)) };
  });

  // Campaigns and journeys: lifetime results of those active in the period.
  const campaigns = campaignsPage.items.filter((c) => activeIn(c, p.from, p.to));
  const journeys = journeysPage.items.filter((j) => j.status !== 'draft' || j.liveVersion !== undefined);
  const journeyCost = (id: string) => costs.filter((c) => c.currency === cur).reduce((s, c) => s + (c.journeys[id] ?? 0), 0);
  const sources = await Promise.all([
    ...campaigns.map(async (c) => {
      const stats = await sourceStats(ctx.deps, 'campaign', c.id);
      const t = { ...zeroCounters(), ...stats.total };
      const channels = Object.entries(stats.byChannel) as [string, { sent: number }][];
      const cost = c.cost.currency === cur ? fixedShare(c.cost, t.sent, t.sent, true) + channels.reduce((s, [ch, x]) => s + messageCost(c.cost, ch as never, x.sent), 0) : null;
      const revenue = t.revenueMinor[cur] ?? 0;
      return { kind: 'campaign', id: c.id, name: c.name, status: c.status, sent: t.sent, delivered: t.delivered, opened: t.opened, clicked: t.clicked, converted: t.converted, unsubscribed: t.unsubscribed, revenue, cost, roi: cost === null ? null : roi(revenue, cost), rates: ratesOf(t) };
    }),
    ...journeys.map(async (j) => {
      const stats = await sourceStats(ctx.deps, 'journey', j.id);
      const t = { ...zeroCounters(), ...stats.total };
      const revenue = t.revenueMinor[cur] ?? 0;
      const cost = journeyCost(j.id);
      return { kind: 'journey', id: j.id, name: j.name, status: j.status, sent: t.sent, delivered: t.delivered, opened: t.opened, clicked: t.clicked, converted: t.converted, unsubscribed: t.unsubscribed, revenue, cost, roi: roi(revenue, cost), rates: ratesOf(t) };
    }),
  ]);

  // Acquisition cost per source channel: spend of the period's days (each month's spend spread over its days).
  const spend = new Map<string, number>();
  for (let m = monthStart(p.from); m <= p.to; m = addMonths(m, 1)) {
    const month = costs.find((c) => c.month === m.slice(0, 7) && c.currency === cur);
    if (!month) continue;
    const a = m < p.from ? p.from : m;
    const b = monthEnd(m) > p.to ? p.to : monthEnd(m);
    const share = (daysBetween(a, b) + 1) / (daysBetween(m, monthEnd(m)) + 1);
    for (const [ch, amount] of Object.entries(month.channels)) spend.set(ch, (spend.get(ch) ?? 0) + amount * share);
  }
  const channels = new Set([...spend.keys(), ...[...profiles.keys()].filter((k) => k !== '-')]);
  const acquisition = [...channels].sort().map((channel) => {
    const newProfiles = sumCounters((profiles.get(channel) ?? new Map()).values()).created ?? 0;
    const cost = spend.has(channel) ? Math.round(spend.get(channel)!) : null;
    return { channel, newProfiles, cost, costPerAcquisition: cost === null ? null : ratio(cost, newProfiles, 0) };
  });
  return { period: { from: p.from, to: p.to, granularity: p.granularity }, currency: cur, metrics, filter: filter ?? null, by: by ?? null, series, sources, acquisition, costsEntered: costs.some((c) => c.month >= p.from.slice(0, 7) && c.month <= addDays(p.to, 0).slice(0, 7)) };
}
