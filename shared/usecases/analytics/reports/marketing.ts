import { addDays, monthShares } from '../../../domain/analytics/period';
import { chooseCurrency, chooseDimension, chooseFilter, chooseMetrics } from '../../../domain/analytics/query';
import type { Counters } from '../../../domain/analytics/rollups';
import { busiestUnlisted, periodBySource } from '../../../domain/analytics/sources';
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
 * by channel or source kind) from the rollups; per campaign and journey, the period's figures from
 * the rollups' `origin` dimension (rates, revenue, cost and ROI: a campaign's own cost model, its
 * fixed cost shared by the period's part of its sends; a journey's entered costs of the period's
 * months, prorated by days) beside their lifetime counters from the send pipeline's stats
 * (messaging's `sourceStats`, read, not re-counted); acquisition cost per source channel: the spend
 * entered for the months of the period (prorated by days) over the profiles that channel brought in
 * the period.
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
  const [messages, origins, profiles, campaignsPage, journeysPage, costs] = await Promise.all([
    rollupBuckets(ctx, 'messages', dim, p),
    rollupBuckets(ctx, 'messages', 'origin', p),
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

  // Campaigns and journeys: the period's figures (origin rollups) and their lifetime results.
  const inPeriod = periodBySource(origins);
  const shareOfPeriod = monthShares(p.from, p.to);
  const listed = new Map<string, Campaign>(campaignsPage.items.filter((c) => activeIn(c, p.from, p.to)).map((c) => [c.id, c]));
  const listedJourneys = new Map(journeysPage.items.filter((j) => j.status !== 'draft' || j.liveVersion !== undefined).map((j) => [j.id, j]));
  // Sources that sent in the period but are not among the newest: the busiest, up to the cap.
  const [moreCampaigns, moreJourneys] = await Promise.all([
    Promise.all(busiestUnlisted(inPeriod, 'campaign', listed, MAX_SOURCES).map(async (id) => ({ id, c: await repoOf(ctx.deps, CampaignsRepo).get(id) }))),
    Promise.all(busiestUnlisted(inPeriod, 'journey', listedJourneys, MAX_SOURCES).map(async (id) => ({ id, j: await repoOf(ctx.deps, JourneysRepo).get(id) }))),
  ]);
  const campaigns: { id: string; c?: Campaign }[] = [...[...listed.values()].map((c) => ({ id: c.id, c })), ...moreCampaigns];
  const journeys = [...[...listedJourneys.values()].map((j) => ({ id: j.id, j })), ...moreJourneys];
  /** A journey's entered costs in the report's currency, each month weighted by `share` (all of each by default). */
  const journeyCost = (id: string, share: (month: string) => number = () => 1) => Math.round(costs.filter((c) => c.currency === cur).reduce((s, c) => s + (c.journeys[id] ?? 0) * share(c.month), 0));
  const periodOf = (key: string, cost: number | null) => {
    const c = inPeriod.get(key)?.counters ?? {};
    const t = { ...zeroCounters(), ...c };
    const revenue = c[`revenue|${cur}`] ?? 0;
    return { sent: t.sent, delivered: t.delivered, opened: t.opened, clicked: t.clicked, converted: t.converted, unsubscribed: t.unsubscribed, revenue, cost, roi: cost === null ? null : roi(revenue, cost), rates: ratesOf(t) };
  };
  const sources = await Promise.all([
    ...campaigns.map(async ({ id, c }) => {
      const stats = await sourceStats(ctx.deps, 'campaign', id);
      const t = { ...zeroCounters(), ...stats.total };
      const channels = Object.entries(stats.byChannel) as [string, { sent: number }][];
      const cost = c && c.cost.currency === cur ? fixedShare(c.cost, t.sent, t.sent, true) + channels.reduce((s, [ch, x]) => s + messageCost(c.cost, ch as never, x.sent), 0) : null;
      const mine = inPeriod.get(`campaign:${id}`);
      const periodSent = mine?.counters.sent ?? 0;
      const periodCost = c && c.cost.currency === cur ? fixedShare(c.cost, periodSent, t.sent, periodSent >= t.sent) + Object.entries(mine?.sentByChannel ?? {}).reduce((s, [ch, n]) => s + messageCost(c.cost, ch as never, n), 0) : null;
      const revenue = t.revenueMinor[cur] ?? 0;
      return { kind: 'campaign', id, name: c?.name ?? null, status: c?.status ?? 'deleted', sent: t.sent, delivered: t.delivered, opened: t.opened, clicked: t.clicked, converted: t.converted, unsubscribed: t.unsubscribed, revenue, cost, roi: cost === null ? null : roi(revenue, cost), rates: ratesOf(t), period: periodOf(`campaign:${id}`, periodCost) };
    }),
    ...journeys.map(async ({ id, j }) => {
      const stats = await sourceStats(ctx.deps, 'journey', id);
      const t = { ...zeroCounters(), ...stats.total };
      const revenue = t.revenueMinor[cur] ?? 0;
      const cost = journeyCost(id);
      return { kind: 'journey', id, name: j?.name ?? null, status: j?.status ?? 'deleted', sent: t.sent, delivered: t.delivered, opened: t.opened, clicked: t.clicked, converted: t.converted, unsubscribed: t.unsubscribed, revenue, cost, roi: roi(revenue, cost), rates: ratesOf(t), period: periodOf(`journey:${id}`, journeyCost(id, (m) => shareOfPeriod.get(m) ?? 0)) };
    }),
  ]);

  // Acquisition cost per source channel: spend of the period's days (each month's spend spread over its days).
  const spend = new Map<string, number>();
  for (const month of costs) {
    const share = month.currency === cur ? shareOfPeriod.get(month.month) : undefined;
    if (share) for (const [ch, amount] of Object.entries(month.channels)) spend.set(ch, (spend.get(ch) ?? 0) + amount * share);
  }
  const channels = new Set([...spend.keys(), ...[...profiles.keys()].filter((k) => k !== '-')]);
  const acquisition = [...channels].sort().map((channel) => {
    const newProfiles = sumCounters((profiles.get(channel) ?? new Map()).values()).created ?? 0;
    const cost = spend.has(channel) ? Math.round(spend.get(channel)!) : null;
    return { channel, newProfiles, cost, costPerAcquisition: cost === null ? null : ratio(cost, newProfiles, 0) };
  });
  return { period: { from: p.from, to: p.to, granularity: p.granularity }, currency: cur, metrics, filter: filter ?? null, by: by ?? null, series, sources, acquisition, costsEntered: costs.some((c) => c.month >= p.from.slice(0, 7) && c.month <= addDays(p.to, 0).slice(0, 7)) };
}
