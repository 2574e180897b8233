import { ValidationError } from '../../domain/errors';
import { addDays, addMonths, daysBetween, isRealDate, monthOf } from '../../domain/sales/dates';
import { forecastReport, funnelReport, receivablesReport, type Money } from '../../domain/sales/reports';
import { add, type Counters } from '../../domain/sales/stats';
import { salesRepos, settingsOf, todayIn, type Ctx } from './common';

/**
 * The pipeline reports (pipeline:reports): each reads counters — the snapshot shards, the day
 * items of the period, the per-rep receivables items — never the opportunities or instalments.
 * A year's funnel is one Query of at most 4 × 366 small items.
 */
const MAX_DAYS = 366;

function period(today: string, from?: string, to?: string): { from: string; to: string } {
  const end = to ?? today;
  const start = from ?? addDays(end, -29);
  for (const [field, v] of [['from', start], ['to', end]] as const) if (!isRealDate(v)) throw ValidationError.field(field, 'must be a date YYYY-MM-DD');
  if (start > end) throw ValidationError.field('from', 'must not be after to');
  if (daysBetween(start, end) >= MAX_DAYS) throw ValidationError.field('from', `the period is at most ${MAX_DAYS} days`);
  return { from: start, to: end };
}

export async function funnel(ctx: Ctx, q: { from?: string; to?: string }) {
  const s = await settingsOf(ctx);
  const p = period(todayIn(ctx, s), q.from, q.to);
  const { stats } = salesRepos(ctx.deps);
  const [snapshot, byDay] = await Promise.all([stats.snapshot(), stats.days(p.from, p.to)]);
  const days: Counters = {};
  for (const c of byDay.values()) add(days, c);
  return { period: { ...p, timeZone: s.reportTimeZone }, ...funnelReport(s.stages, snapshot, days) };
}

export async function forecast(ctx: Ctx, q: { from?: string; months?: number }) {
  const s = await settingsOf(ctx);
  const fromMonth = q.from ?? monthOf(todayIn(ctx, s));
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(fromMonth)) throw ValidationError.field('from', 'must be a month YYYY-MM');
  const months = q.months ?? 6;
  const lastDay = addDays(addMonths(`${fromMonth}-01`, months), -1);
  const { stats } = salesRepos(ctx.deps);
  const [snapshot, byDay] = await Promise.all([stats.snapshot(), stats.days(`${fromMonth}-01`, lastDay)]);
  const wonByMonth: Record<string, Money> = {};
  for (const [day, c] of byDay) {
    const m = monthOf(day);
    for (const [k, v] of Object.entries(c)) {
      const [kind, cur, extra] = k.split('|');
      if (kind !== 'wonAmt' || !cur || extra !== undefined || v === 0) continue;
      wonByMonth[m] ??= {};
      wonByMonth[m][cur] = (wonByMonth[m][cur] ?? 0) + v;
    }
  }
  return { timeZone: s.reportTimeZone, ...forecastReport(snapshot, wonByMonth, fromMonth, months) };
}

export async function receivables(ctx: Ctx) {
  const s = await settingsOf(ctx);
  const rows = await salesRepos(ctx.deps).stats.receivablesByRep();
  return { timeZone: s.reportTimeZone, ...receivablesReport(rows, todayIn(ctx, s)) };
}
