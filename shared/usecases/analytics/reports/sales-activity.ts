import { bucketOf } from '../../../domain/analytics/period';
import { chooseCurrency, chooseMetrics } from '../../../domain/analytics/query';
import type { Counters } from '../../../domain/analytics/rollups';
import { PipelineStatsRepo } from '../../../store/pipeline-stats-repo';
import { repoOf } from '../../../store/repo-of';
import type { Ctx } from '../../customers';
import { settingsOf, todayIn } from '../../sales/common';
import { ratio, reportBase, rollupBuckets, sumCounters } from '../report-common';

/**
 * Sales activity by bucket and the lead → opportunity → won funnel: leads created, converted (with
 * an opportunity), follow-ups (the analytics rollups of lead events); opportunities created, won,
 * lost, won amount and win rate (the pipeline's own day counters, read, not re-counted); per rep
 * over the period: follow-ups, opportunities created, won, lost, win rate.
 */
export const ACTIVITY_METRICS = ['leads', 'leadsConverted', 'leadsToOpportunity', 'followUps', 'opportunities', 'won', 'lost', 'wonAmount', 'winRate', 'leadConversionRate'] as const;

export interface SalesActivityQuery {
  from?: string;
  to?: string;
  granularity?: string;
  metrics?: string;
  currency?: string;
}

type Row = Record<string, number | string | null>;

function rowOf(bucket: string, l: Counters, o: Counters, cur: string): Row {
  const won = o.won ?? 0;
  const lost = o.lost ?? 0;
  return {
    bucket,
    leads: l.created ?? 0,
    leadsConverted: l.converted ?? 0,
    leadsToOpportunity: l.withOpportunity ?? 0,
    followUps: l.followUps ?? 0,
    opportunities: o.created ?? 0,
    won,
    lost,
    wonAmount: o[`wonAmt|${cur}`] ?? 0,
    winRate: ratio(won, won + lost),
    leadConversionRate: ratio(l.converted ?? 0, l.created ?? 0),
  };
}

export async function salesActivity(ctx: Ctx, q: SalesActivityQuery) {
  const metrics = chooseMetrics(q.metrics, ACTIVITY_METRICS);
  // Pipeline counters are kept by the pipeline's local days: its today may be ahead of UTC's.
  const base = await reportBase(ctx, q, todayIn(ctx, await settingsOf(ctx)));
  const cur = chooseCurrency(q.currency, base.baseCurrency);
  const p = base.period;
  const [leads, byRep, pipeDays] = await Promise.all([rollupBuckets(ctx, 'leads', 'all', p), rollupBuckets(ctx, 'leads', 'rep', p), repoOf(ctx.deps, PipelineStatsRepo).days(p.from, p.to)]);
  const opps = new Map<string, Counters>();
  for (const [day, c] of pipeDays) {
    const b = bucketOf(day, p.granularity);
    const into = opps.get(b) ?? {};
    for (const [k, v] of Object.entries(c)) into[k] = (into[k] ?? 0) + v;
    opps.set(b, into);
  }
  const l = leads.get('*') ?? new Map<string, Counters>();
  const keep = (r: Row) => Object.fromEntries([['bucket', r.bucket], ...metrics.map((m) => [m, r[m] ?? null])]) as Row;
  const lt = sumCounters(l.values());
  const ot = sumCounters(opps.values());
  const reps = new Set<string>([...byRep.keys()].filter((r) => r !== '-'));
  for (const k of Object.keys(ot)) {
    const m = /^(won|lost|created)\|rep\|(.+)$/.exec(k);
    if (m) reps.add(m[2]!);
  }
  const perRep = [...reps].sort().map((rep) => {
    const won = ot[`won|rep|${rep}`] ?? 0;
    const lost = ot[`lost|rep|${rep}`] ?? 0;
    return { repId: rep, followUps: sumCounters((byRep.get(rep) ?? new Map()).values()).followUps ?? 0, opportunities: ot[`created|rep|${rep}`] ?? 0, won, lost, winRate: ratio(won, won + lost), wonAmount: ot[`wonAmt|rep|${rep}|${cur}`] ?? 0 };
  });
  return {
    period: { from: p.from, to: p.to, granularity: p.granularity },
    currency: cur,
    metrics,
    rows: p.buckets.map((b) => keep(rowOf(b, l.get(b) ?? {}, opps.get(b) ?? {}, cur))),
    totals: keep(rowOf(`${p.from}..${p.to}`, lt, ot, cur)),
    funnel: [
      { step: 'leads', count: lt.created ?? 0 },
      { step: 'converted', count: lt.converted ?? 0 },
      { step: 'opportunities', count: ot.created ?? 0 },
      { step: 'won', count: ot.won ?? 0 },
    ],
    reps: perRep,
  };
}
