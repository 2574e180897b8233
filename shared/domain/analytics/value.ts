import { rfmCuts, scoreWithCuts, type RfmCuts, type RfmInput, type RfmSegment } from '../models/rfm';
import { dayCounts, type OrderDay } from './history';

/**
 * The value side of the full pass (pure): retention cohorts by first-order month, RFM as of any
 * day (group sizes, the R × FM grid, movement between two days), and distributions (lifetime value
 * so far, predicted CLV, churn risk, profile completeness).
 */

// ---- Cohorts

export interface CohortRow {
  /** First-order month, YYYY-MM. */
  month: string;
  size: number;
  /** Customers of the cohort with an order in month k after the first (k = 0 … ). */
  active: number[];
  /** Their net revenue in month k, minor units of the base currency. */
  revenue: number[];
}

const monthIndex = (yyyymm: string) => Number(yyyymm.slice(0, 4)) * 12 + Number(yyyymm.slice(5, 7)) - 1;
const monthOfDayNumber = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 7);

export class CohortBuilder {
  private readonly rows = new Map<string, CohortRow>();

  add(orders: readonly OrderDay[]): void {
    const { days, net } = dayCounts(orders);
    if (!days.length) return;
    const cohort = monthOfDayNumber(days[0]!);
    const row = this.rows.get(cohort) ?? { month: cohort, size: 0, active: [], revenue: [] };
    row.size++;
    const seen = new Set<number>();
    days.forEach((d, i) => {
      const k = monthIndex(monthOfDayNumber(d)) - monthIndex(cohort);
      while (row.active.length <= k) row.active.push(0);
      while (row.revenue.length <= k) row.revenue.push(0);
      if (!seen.has(k)) {
        seen.add(k);
        row.active[k]!++;
      }
      row.revenue[k]! += net[i]!;
    });
    this.rows.set(cohort, row);
  }

  /** Cohorts oldest first; every row padded to the months until `lastMonth`. */
  result(lastMonth: string): CohortRow[] {
    return [...this.rows.values()]
      .sort((a, b) => a.month.localeCompare(b.month))
      .map((r) => {
        const len = monthIndex(lastMonth) - monthIndex(r.month) + 1;
        const pad = (xs: number[]) => [...xs, ...new Array<number>(Math.max(0, len - xs.length)).fill(0)].slice(0, Math.max(len, 1));
        return { ...r, active: pad(r.active), revenue: pad(r.revenue) };
      });
  }
}

// ---- RFM as of a day

/** RFM input of one customer as of day number `asOf`, from their orders up to that day. */
export function rfmInputAsOf(orders: readonly OrderDay[], asOf: number): RfmInput | undefined {
  let count = 0;
  let monetary = 0;
  let last = -Infinity;
  for (const o of orders) {
    if (o.day > asOf) continue;
    count++;
    monetary += o.net;
    if (o.day > last) last = o.day;
  }
  return count ? { recencyDays: asOf - last, frequency: count, monetary } : undefined;
}

export const MOVEMENT_WINDOWS = [7, 30, 90] as const;
export type MovementWindow = (typeof MOVEMENT_WINDOWS)[number];
/** A customer who had not bought yet at the start of a movement window. */
export const NOT_YET = 'not_yet_buyer';

export interface RfmSnapshot {
  cutsSource: 'value-settings' | 'computed';
  cuts: RfmCuts;
  sizes: Partial<Record<RfmSegment, number>>;
  /** grid[r − 1][fm − 1]: buyers with that R score and FM score. */
  grid: number[][];
  /** Per window: `from>to` → customers. */
  movement: Record<MovementWindow, Record<string, number>>;
}

/** Scores every buyer as of `asOf` (and as of each window's start, for the movement) with the given cuts, or cuts computed over them. */
export function rfmSnapshot(customers: readonly (readonly OrderDay[])[], asOf: number, stored?: RfmCuts): RfmSnapshot | undefined {
  const inputs = customers.map((o) => rfmInputAsOf(o, asOf));
  const present = inputs.filter((i): i is RfmInput => !!i);
  if (!present.length) return undefined;
  const cuts = stored ?? rfmCuts(present);
  const sizes: Partial<Record<RfmSegment, number>> = {};
  const grid = Array.from({ length: 5 }, () => [0, 0, 0, 0, 0]);
  const movement = Object.fromEntries(MOVEMENT_WINDOWS.map((w) => [w, {} as Record<string, number>])) as Record<MovementWindow, Record<string, number>>;
  customers.forEach((orders, i) => {
    const now = inputs[i];
    if (!now) return;
    const s = scoreWithCuts(now, cuts);
    sizes[s.segment] = (sizes[s.segment] ?? 0) + 1;
    grid[s.r - 1]![s.fm - 1]!++;
    for (const w of MOVEMENT_WINDOWS) {
      const then = rfmInputAsOf(orders, asOf - w);
      const from = then ? scoreWithCuts(then, cuts).segment : NOT_YET;
      const k = `${from}>${s.segment}`;
      movement[w][k] = (movement[w][k] ?? 0) + 1;
    }
  });
  return { cutsSource: stored ? 'value-settings' : 'computed', cuts, sizes, grid, movement };
}

// ---- Distributions

/** Bucket edges in major units of the base currency (the last bucket is open). */
export const MONEY_EDGES = [0, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;
export const RISK_EDGES = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;
export const COMPLETENESS_EDGES = [0, 0.2, 0.4, 0.6, 0.8, 1] as const;

export interface Distribution {
  /** Lower edge of each bucket (the last is open-ended). */
  edges: number[];
  counts: number[];
  n: number;
  mean: number | null;
  percentiles: { p10: number; p25: number; p50: number; p75: number; p90: number } | null;
}

/** A histogram over `edges` with mean and percentiles (nearest rank) of the values. */
export function distribution(values: readonly number[], edges: readonly number[]): Distribution {
  const counts = new Array<number>(edges.length).fill(0);
  for (const v of values) {
    let i = edges.length - 1;
    while (i > 0 && v < edges[i]!) i--;
    counts[i]!++;
  }
  if (!values.length) return { edges: [...edges], counts, n: 0, mean: null, percentiles: null };
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { edges: [...edges], counts, n: s.length, mean: Math.round(mean * 100) / 100, percentiles: { p10: q(0.1), p25: q(0.25), p50: q(0.5), p75: q(0.75), p90: q(0.9) } };
}

/** The profile fields completeness is measured on (presence only: personal fields stay encrypted). */
export const COMPLETENESS_FIELDS = ['name', 'email', 'phone', 'gender', 'birthday', 'city', 'sourceChannel'] as const;

export function completeness(profile: Record<string, unknown>): number {
  const filled = COMPLETENESS_FIELDS.filter((f) => typeof profile[f] === 'string' && (profile[f] as string).length > 0).length;
  return filled / COMPLETENESS_FIELDS.length;
}
