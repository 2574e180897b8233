import { ValidationError } from '../../../domain/errors';
import { addMonths, EARLIEST_DAY } from '../../../domain/analytics/period';
import type { CohortRow } from '../../../domain/analytics/value';
import { AnalyticsSnapshotsRepo } from '../../../store/analytics-snapshots-repo';
import { repoOf } from '../../../store/repo-of';
import type { Ctx } from '../../customers';
import { freshness, ratio } from '../report-common';

/**
 * Retention by first-order month (month × months since the first order): the share of each cohort
 * with an order in month k (`retention`), or the net revenue per cohort customer in month k
 * (`revenuePerCustomer`, minor units of the base currency), from the full pass. One Query.
 */
export const COHORT_METRICS = ['retention', 'customers', 'revenue', 'revenuePerCustomer'] as const;
export const MAX_COHORTS = 60;
export const MAX_MONTHS_SINCE = 36;

export interface CohortsQuery {
  from?: string;
  to?: string;
  metric?: string;
  months?: string;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export async function cohortsReport(ctx: Ctx, q: CohortsQuery) {
  const thisMonth = ctx.deps.clock.now().toISOString().slice(0, 7);
  const issues: { field: string; message: string }[] = [];
  for (const f of ['from', 'to'] as const) {
    const v = q[f];
    if (v === undefined) continue;
    if (!MONTH.test(v)) issues.push({ field: f, message: 'must be a month YYYY-MM' });
    else if (v < EARLIEST_DAY.slice(0, 7) || v > thisMonth) issues.push({ field: f, message: `must be between ${EARLIEST_DAY.slice(0, 7)} and ${thisMonth}` });
  }
  const metric = q.metric ?? 'retention';
  if (!(COHORT_METRICS as readonly string[]).includes(metric)) issues.push({ field: 'metric', message: `unknown metric ${JSON.stringify(metric)}; known: ${COHORT_METRICS.join(', ')}` });
  const months = q.months === undefined ? 12 : Number(q.months);
  if (!Number.isInteger(months) || months < 1 || months > MAX_MONTHS_SINCE) issues.push({ field: 'months', message: `must be a whole number of months since the first order, 1-${MAX_MONTHS_SINCE}` });
  if (issues.length) throw new ValidationError(issues);
  const to = q.to ?? thisMonth;
  const from = q.from ?? addMonths(`${to}-01`, -11).slice(0, 7);
  if (from > to) throw ValidationError.field('from', 'must not be after to');
  const count = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
  if (count > MAX_COHORTS) throw ValidationError.field('from', `at most ${MAX_COHORTS} cohorts (months) at once; this asks for ${count}`);
  const rows = await repoOf(ctx.deps, AnalyticsSnapshotsRepo).cohorts<CohortRow>(from, to);
  const byMonth = new Map(rows.map((r) => [r.month, r]));
  const fresh = await freshness(ctx, { from: `${from}-01`, to: `${to}-01`, granularity: 'month', buckets: [] });
  const asOfMonth = fresh.snapshotAsOf?.slice(0, 7);
  const cohorts = [];
  for (let m = `${from}-01`; m.slice(0, 7) <= to; m = addMonths(m, 1)) {
    const month = m.slice(0, 7);
    const r = byMonth.get(month);
    const size = r?.size ?? 0;
    const values: (number | null)[] = [];
    for (let k = 0; k < months; k++) {
      // Months after the snapshot have not happened (or not been counted) yet.
      const cellMonth = addMonths(m, k).slice(0, 7);
      if (!asOfMonth || cellMonth > asOfMonth) {
        values.push(null);
        continue;
      }
      const active = r?.active[k] ?? 0;
      const revenue = r?.revenue[k] ?? 0;
      values.push(metric === 'retention' ? ratio(active, size) : metric === 'customers' ? active : metric === 'revenue' ? revenue : ratio(revenue, size, 0));
    }
    cohorts.push({ month, size, values });
  }
  return { from, to, metric, months, freshness: fresh, cohorts };
}
