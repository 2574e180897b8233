import { ValidationError } from '../../domain/errors';
import { localDate } from '../../domain/service/business-hours';
import { serviceReport } from '../../domain/service/stats';
import { settingsOf, type Ctx } from './common';

/**
 * The service report, from the maintained counters (never from the tickets): tickets by status,
 * priority, type, agent and group now; created, solved, average first-response and resolution
 * times, SLA compliance, CSAT and NPS over the days asked for (local days of the report time zone).
 */
const MAX_DAYS = 366;

export async function serviceReportFor(ctx: Ctx, range: { from?: string; to?: string }) {
  const s = await settingsOf(ctx);
  const today = localDate(ctx.deps.clock.now().getTime(), s.reportTimeZone);
  const to = range.to ?? today;
  const from = range.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  if (from > to) throw ValidationError.field('from', 'must not be after to');
  if ((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1 > MAX_DAYS) throw ValidationError.field('from', `a report covers at most ${MAX_DAYS} days`);
  const [current, period] = await Promise.all([ctx.deps.serviceStats.current(), ctx.deps.serviceStats.days(from, to)]);
  return serviceReport(current, period, { from, to, timeZone: s.reportTimeZone });
}
