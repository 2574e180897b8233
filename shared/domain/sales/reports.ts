import { ageBucket, AGE_BUCKETS, type AgeBucket } from './collections';
import { addMonths } from './dates';
import type { StageDef } from './settings';
import { NO_MONTH, type Counters } from './stats';

/**
 * The pipeline reports, computed from counters (see ./stats): the funnel, the forecast by month
 * and the receivables aging. Pure: the counters and today's date are passed in.
 */
export type Money = Record<string, number>;

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

/** Sums the counters named `<prefix><currency>` into a per-currency map. */
function money(c: Counters, prefix: string): Money {
  const out: Money = {};
  for (const [k, v] of Object.entries(c)) {
    if (!k.startsWith(prefix) || v === 0) continue;
    const cur = k.slice(prefix.length);
    if (cur.includes('|')) continue;
    out[cur] = (out[cur] ?? 0) + v;
  }
  return out;
}

/** Keys `<prefix><id>` → { id: value }. */
function byKey(c: Counters, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(c)) if (k.startsWith(prefix) && !k.slice(prefix.length).includes('|')) out[k.slice(prefix.length)] = v;
  return out;
}

export interface FunnelStage {
  id: string;
  name: string;
  kind: string;
  probability: number;
  open: { count: number; amount: Money };
  /** Opportunities created in the period that reached this stage. */
  reached: number;
  /** reached(next stage) / reached(this one); the last open stage converts to won. */
  conversionToNext: number | null;
  /** Average days spent in the stage by the visits that ended in the period. */
  avgDaysInStage: number | null;
}

export function funnelReport(stages: readonly StageDef[], snapshot: Counters, days: Counters) {
  const won = stages.find((s) => s.kind === 'won')!;
  const open = stages.filter((s) => s.kind === 'open');
  const next = (s: StageDef) => {
    if (s.kind !== 'open') return undefined;
    const i = open.indexOf(s);
    return i + 1 < open.length ? open[i + 1]! : won;
  };
  const funnel: FunnelStage[] = stages.map((s) => {
    const exits = days[`exit|${s.id}`] ?? 0;
    const n = next(s);
    return {
      id: s.id,
      name: s.name,
      kind: s.kind,
      probability: s.probability,
      open: { count: snapshot[`open|${s.id}`] ?? 0, amount: money(snapshot, `openAmt|${s.id}|`) },
      reached: days[`reach|${s.id}`] ?? 0,
      conversionToNext: n ? ratio(days[`reach|${n.id}`] ?? 0, days[`reach|${s.id}`] ?? 0) : null,
      avgDaysInStage: exits > 0 ? Math.round(((days[`dwell|${s.id}`] ?? 0) / exits / 86_400) * 100) / 100 : null,
    };
  });
  const rate = (prefix: string) => {
    const w = byKey(days, `won|${prefix}|`);
    const l = byKey(days, `lost|${prefix}|`);
    return [...new Set([...Object.keys(w), ...Object.keys(l)])].sort().map((id) => ({ id, won: w[id] ?? 0, lost: l[id] ?? 0, winRate: ratio(w[id] ?? 0, (w[id] ?? 0) + (l[id] ?? 0)) }));
  };
  const created = byKey(days, 'created|ch|');
  return {
    stages: funnel,
    created: days.created ?? 0,
    won: { count: days.won ?? 0, amount: money(days, 'wonAmt|') },
    lost: { count: days.lost ?? 0, amount: money(days, 'lostAmt|'), reasons: byKey(days, 'lost|why|') },
    winRate: ratio(days.won ?? 0, (days.won ?? 0) + (days.lost ?? 0)),
    byRep: rate('rep').map(({ id, ...r }) => ({ repId: id, ...r, wonAmount: money(days, `wonAmt|rep|${id}|`), created: days[`created|rep|${id}`] ?? 0 })),
    byChannel: rate('ch').map(({ id, ...r }) => ({ channel: id, ...r, created: created[id] ?? 0 })),
  };
}

export interface ForecastMonth {
  month: string;
  /** Σ open amount × win probability, by currency. */
  weighted: Money;
  /** Σ open amount (unweighted). */
  pipeline: Money;
  /** Won in that month (closed deals), by currency. */
  won: Money;
}

/**
 * The forecast for `months` months from `fromMonth` (YYYY-MM): per month the open pipeline
 * weighted by win probability (Σ amount × probability), unweighted, and what was already won
 * then; open deals whose close month has passed are `pastDue`, those with none `undated`; and
 * per rep the weighted total.
 */
export function forecastReport(snapshot: Counters, wonByMonth: Record<string, Money>, fromMonth: string, months: number) {
  const list = Array.from({ length: months }, (_, i) => addMonths(`${fromMonth}-01`, i).slice(0, 7));
  const cell = (month: string, kind: 'fc' | 'pipe') => {
    const out: Money = {};
    for (const [k, v] of Object.entries(snapshot)) {
      const [p, m, , cur] = k.split('|');
      if (p !== kind || m !== month || !cur || v === 0) continue;
      out[cur] = (out[cur] ?? 0) + v;
    }
    if (kind === 'fc') for (const c of Object.keys(out)) out[c] = Math.round(out[c]! / 100);
    return out;
  };
  const sumMonths = (pred: (m: string) => boolean, kind: 'fc' | 'pipe') => {
    const out: Money = {};
    const ms = new Set(Object.keys(snapshot).map((k) => k.split('|')).filter(([p, m]) => p === kind && m && pred(m)).map(([, m]) => m!));
    for (const m of ms) for (const [c, v] of Object.entries(cell(m, kind))) out[c] = (out[c] ?? 0) + v;
    return out;
  };
  const byRep: Record<string, Money> = {};
  for (const [k, v] of Object.entries(snapshot)) {
    const [p, m, rep, cur] = k.split('|');
    if (p !== 'fc' || !rep || !cur || v === 0 || !list.includes(m!)) continue;
    byRep[rep] ??= {};
    byRep[rep][cur] = (byRep[rep][cur] ?? 0) + v;
  }
  return {
    months: list.map((month): ForecastMonth => ({ month, weighted: cell(month, 'fc'), pipeline: cell(month, 'pipe'), won: wonByMonth[month] ?? {} })),
    pastDue: { weighted: sumMonths((m) => m !== NO_MONTH && m < fromMonth, 'fc'), pipeline: sumMonths((m) => m !== NO_MONTH && m < fromMonth, 'pipe') },
    undated: { weighted: cell(NO_MONTH, 'fc'), pipeline: cell(NO_MONTH, 'pipe') },
    byRep: Object.entries(byRep)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([repId, m]) => ({ repId, weighted: Object.fromEntries(Object.entries(m).map(([c, v]) => [c, Math.round(v / 100)])) })),
  };
}

export type AgingRow = Record<AgeBucket, Money> & { total: Money };

/** Receivables by rep and age bucket on `today`, from each rep's outstanding amounts by due date (`<date>|<currency>`). */
export function receivablesReport(byRep: readonly { repId: string; counters: Counters }[], today: string) {
  const empty = (): AgingRow => ({ current: {}, '1-30': {}, '31-60': {}, '61-90': {}, '90+': {}, total: {} });
  const totals = empty();
  const put = (row: AgingRow, bucket: AgeBucket, cur: string, v: number) => {
    row[bucket][cur] = (row[bucket][cur] ?? 0) + v;
    row.total[cur] = (row.total[cur] ?? 0) + v;
  };
  const reps = byRep
    .map(({ repId, counters }) => {
      const row = empty();
      for (const [k, v] of Object.entries(counters)) {
        const [date, cur] = k.split('|');
        if (!date || !cur || !/^\d{4}-\d{2}-\d{2}$/.test(date) || v <= 0) continue;
        const b = ageBucket(date, today);
        put(row, b, cur, v);
        put(totals, b, cur, v);
      }
      return { repId, ...row };
    })
    .filter((r) => Object.keys(r.total).length > 0);
  return { asOf: today, buckets: [...AGE_BUCKETS] as string[], byRep: reps, totals };
}
