import { ValidationError } from '../../../domain/errors';
import { isDay } from '../../../domain/analytics/period';
import { MOVEMENT_WINDOWS, NOT_YET } from '../../../domain/analytics/value';
import { RFM_SEGMENT_NAMES } from '../../../domain/models/rfm';
import { AnalyticsSnapshotsRepo } from '../../../store/analytics-snapshots-repo';
import { repoOf } from '../../../store/repo-of';
import type { Ctx } from '../../customers';

/**
 * Customer value as of a snapshot day (`asOf`, default the latest): RFM group sizes, the R × FM
 * grid, movement between groups over 7, 30 or 90 days, lifetime value so far and predicted CLV
 * distributions, churn risk, lifecycle and tiers as the engine has them. One item read.
 */
export interface ValueQuery {
  asOf?: string;
  window?: string;
}

export async function valueReport(ctx: Ctx, q: ValueQuery) {
  const today = ctx.deps.clock.now().toISOString().slice(0, 10);
  const issues: { field: string; message: string }[] = [];
  if (q.asOf !== undefined && (!isDay(q.asOf) || q.asOf > today)) issues.push({ field: 'asOf', message: `must be a date YYYY-MM-DD not after today (${today})` });
  const window = q.window === undefined ? 30 : Number(q.window);
  if (!(MOVEMENT_WINDOWS as readonly number[]).includes(window)) issues.push({ field: 'window', message: `must be one of ${MOVEMENT_WINDOWS.join(', ')} (days)` });
  if (issues.length) throw new ValidationError(issues);
  const found = await repoOf(ctx.deps, AnalyticsSnapshotsRepo).stateOnOrBefore<Record<string, any>>(q.asOf ?? today); // eslint-disable-line @typescript-eslint/no-explicit-any
  if (!found) return { asOf: null, window, baseCurrency: null, rfm: null, clv: null, churnRisk: null, lifecycle: {}, tiers: {}, note: 'No snapshot yet: the daily analytics snapshot has not run (POST /v1/analytics/runs starts one).' };
  const s = found.state;
  const rfm = s.rfm as { cutsSource: string; sizes: Record<string, number>; grid: number[][]; movement: Record<string, Record<string, number>>; engineSizes: Record<string, number> } | null;
  const movement = rfm
    ? Object.entries(rfm.movement[String(window)] ?? {})
        .map(([k, n]) => {
          const [from, to] = k.split('>');
          return { from: from!, to: to!, customers: n, moved: from !== to && from !== NOT_YET };
        })
        .sort((a, b) => b.customers - a.customers)
    : [];
  return {
    asOf: found.day,
    window,
    baseCurrency: s.baseCurrency as string,
    rfm: rfm
      ? {
          cutsSource: rfm.cutsSource,
          groups: Object.entries(RFM_SEGMENT_NAMES).map(([id, name]) => ({ id, name, customers: rfm.sizes[id] ?? 0, engine: rfm.engineSizes?.[id] ?? 0 })),
          grid: rfm.grid,
          movement,
        }
      : null,
    clv: s.clv,
    churnRisk: s.churnRisk,
    lifecycle: s.lifecycle,
    tiers: s.tiers,
    note: null,
  };
}
