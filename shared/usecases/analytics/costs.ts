import { ValidationError } from '../../domain/errors';
import { AnalyticsRunsRepo, type MonthCosts } from '../../store/analytics-runs-repo';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';

/**
 * Marketing costs entered per month: acquisition spend per source channel (the cost per acquired
 * profile of the marketing report) and the cost of journeys (their ROI). A month's entry is
 * replaced whole; campaigns carry their own cost model (fixed + per message) and need none.
 */
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export async function putMonthCosts(ctx: Ctx, month: string, body: { currency: string; channels?: Record<string, number>; journeys?: Record<string, number> }): Promise<MonthCosts> {
  if (!MONTH.test(month)) throw ValidationError.field('month', 'must be a month YYYY-MM');
  const c: MonthCosts = { month, currency: body.currency, channels: body.channels ?? {}, journeys: body.journeys ?? {}, updatedAt: ctx.deps.clock.now().toISOString(), updatedBy: ctx.actorId };
  await repoOf(ctx.deps, AnalyticsRunsRepo).putCosts(c);
  return c;
}

export async function listCosts(ctx: Ctx, q: { from?: string; to?: string }): Promise<MonthCosts[]> {
  const to = q.to ?? ctx.deps.clock.now().toISOString().slice(0, 7);
  const from = q.from ?? `${Number(to.slice(0, 4)) - 1}${to.slice(4)}`;
  if (from > to) throw ValidationError.field('from', 'must not be after to');
  return repoOf(ctx.deps, AnalyticsRunsRepo).costs(from, to);
}
