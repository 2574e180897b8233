import { bucketOf } from '../../../domain/analytics/period';
import { chooseMetrics } from '../../../domain/analytics/query';
import { addCounters, serviceReport, type Counters } from '../../../domain/service/stats';
import { AnalyticsSourcesRepo } from '../../../store/analytics-sources-repo';
import { repoOf } from '../../../store/repo-of';
import type { Ctx } from '../../customers';
import { settingsOf } from '../../service/common';
import { localDate } from '../../../domain/service/business-hours';
import { reportBase } from '../report-common';

/**
 * The service desk by bucket, from its own day counters (the service report's figures, bucket by
 * bucket, computed by the same function): tickets created, solved, reopened, average first-response
 * and resolution minutes, SLA compliance, CSAT and NPS; tickets solved per agent over the period and
 * open per agent now. Days are the service report's local days.
 */
export const SERVICE_METRICS = ['created', 'solved', 'reopened', 'firstResponseMinutes', 'resolutionMinutes', 'slaCompliance', 'firstResponseCompliance', 'resolutionCompliance', 'slaMet', 'slaBreached', 'csat', 'csatResponses', 'nps', 'npsResponses'] as const;

export interface ServiceTrendQuery {
  from?: string;
  to?: string;
  granularity?: string;
  metrics?: string;
}

type Row = Record<string, number | string | null>;

function rowOf(bucket: string, r: ReturnType<typeof serviceReport>['period']): Row {
  return {
    bucket,
    created: r.created,
    solved: r.solved,
    reopened: r.reopened,
    firstResponseMinutes: r.averageFirstResponseMinutes,
    resolutionMinutes: r.averageResolutionMinutes,
    slaCompliance: r.sla.overall.compliance,
    firstResponseCompliance: r.sla.firstResponse.compliance,
    resolutionCompliance: r.sla.resolution.compliance,
    slaMet: r.sla.overall.met,
    slaBreached: r.sla.overall.breached,
    csat: r.csat.average,
    csatResponses: r.csat.responses,
    nps: r.nps.score,
    npsResponses: r.nps.responses,
  };
}

export async function serviceTrend(ctx: Ctx, q: ServiceTrendQuery) {
  const metrics = chooseMetrics(q.metrics, SERVICE_METRICS);
  // Service counters are kept by the report time zone's local days: its today may be ahead of UTC's.
  const settings = await settingsOf(ctx);
  const base = await reportBase(ctx, q, localDate(ctx.deps.clock.now().getTime(), settings.reportTimeZone));
  const p = base.period;
  const [days, current] = await Promise.all([repoOf(ctx.deps, AnalyticsSourcesRepo).serviceDays(p.from, p.to), ctx.deps.serviceStats.current()]);
  const byBucket = new Map<string, Counters>();
  for (const [day, c] of days) {
    const b = bucketOf(day, p.granularity);
    byBucket.set(b, addCounters(byBucket.get(b) ?? {}, c));
  }
  const range = { from: p.from, to: p.to, timeZone: settings.reportTimeZone };
  const keep = (r: Row) => Object.fromEntries([['bucket', r.bucket], ...metrics.map((m) => [m, r[m] ?? null])]) as Row;
  const all = addCounters({}, [...byBucket.values()].reduce((a, c) => addCounters(a, c), {} as Counters));
  const total = serviceReport(current, all, range);
  return {
    period: { from: p.from, to: p.to, granularity: p.granularity, timeZone: settings.reportTimeZone },
    metrics,
    rows: p.buckets.map((b) => keep(rowOf(b, serviceReport({}, byBucket.get(b) ?? {}, range).period))),
    totals: keep(rowOf(`${p.from}..${p.to}`, total.period)),
    agents: [...new Set([...Object.keys(total.period.solvedByAgent), ...Object.keys(total.current.unsolvedByAgent)])]
      .sort()
      .map((agentId) => ({ agentId, solved: total.period.solvedByAgent[agentId] ?? 0, open: total.current.unsolvedByAgent[agentId] ?? 0 })),
    current: total.current,
  };
}
