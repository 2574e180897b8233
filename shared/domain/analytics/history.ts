import { DEFAULT_LIFECYCLE_THRESHOLDS, type LifecycleThresholds } from '../models/lifecycle';

/**
 * The full pass's history of the customer base, day by day, from every customer's counted orders
 * (pure): how many customers and buyers there were, their lifecycle stage at the end of each day,
 * who churned that day, and distinct buyers per day, per rolling window and per calendar bucket
 * (new, returning, repeat). Everything is added as intervals into difference arrays, so the work is
 * proportional to orders, not to customers × days. Days are UTC day numbers (days since 1970-01-01).
 *
 * Definitions (docs/analytics.md):
 * - customers on day d: profiles counted from their creation or first order, whichever is earlier;
 * - buyers: customers with a counted order on or before d; new buyers of d: their first order on d;
 * - lifecycle at the end of d, as shared/domain/models/lifecycle.ts defines it, at day resolution;
 * - buyers of a bucket: customers with an order in it; new: first order in it; returning: the rest;
 *   repeat buyers: buyers of the bucket with at least two orders by the bucket's end.
 */
export const WINDOWS = [7, 30, 90, 365] as const;
export type WindowDays = (typeof WINDOWS)[number];
export const LIFECYCLE_STAGES = ['prospect', 'new', 'active', 'reactivated', 'dormant', 'churned'] as const;
export type Stage = (typeof LIFECYCLE_STAGES)[number];

export interface OrderDay {
  /** UTC day number of the order. */
  day: number;
  /** Net of refunds, minor units of the base currency (0 for other currencies). */
  net: number;
}

export interface CustomerHistory {
  /** Day number the customer counts from (created, or first order if earlier). */
  since: number;
  /** Counted orders, any order. */
  orders: readonly OrderDay[];
}

/** Adds `v` on [a, b] (inclusive) of a difference array over [0, n). */
function addRange(diff: Float64Array, a: number, b: number, v: number): void {
  const lo = Math.max(0, a);
  const hi = Math.min(diff.length - 2, b);
  if (lo > hi) return;
  diff[lo]! += v;
  diff[hi + 1]! -= v;
}

function prefix(diff: Float64Array): number[] {
  const out = new Array<number>(diff.length - 1);
  let acc = 0;
  for (let i = 0; i < out.length; i++) out[i] = acc += diff[i]!;
  return out;
}

/** Sorted distinct order days with their order counts, and the day the second order was reached. */
export function dayCounts(orders: readonly OrderDay[]): { days: number[]; counts: number[]; net: number[]; secondOrderDay?: number } {
  const m = new Map<number, { n: number; net: number }>();
  for (const o of orders) {
    const e = m.get(o.day) ?? { n: 0, net: 0 };
    e.n++;
    e.net += o.net;
    m.set(o.day, e);
  }
  const days = [...m.keys()].sort((a, b) => a - b);
  let cum = 0;
  let secondOrderDay: number | undefined;
  for (const d of days) {
    cum += m.get(d)!.n;
    if (secondOrderDay === undefined && cum >= 2) secondOrderDay = d;
  }
  return { days, counts: days.map((d) => m.get(d)!.n), net: days.map((d) => m.get(d)!.net), ...(secondOrderDay !== undefined ? { secondOrderDay } : {}) };
}

/** Unions [d, d + w − 1] over sorted days (clipped below at `from`), as merged intervals. */
function windowIntervals(days: readonly number[], w: number, from = -Infinity): [number, number][] {
  const out: [number, number][] = [];
  for (const d of days) {
    const a = Math.max(d, from);
    const b = d + w - 1;
    if (a > b) continue;
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/**
 * The lifecycle stage intervals of one customer from their order days, up to `end` (inclusive):
 * [stage, first day, last day].
 */
export function stageIntervals(since: number, orderDays: readonly number[], end: number, t: LifecycleThresholds = DEFAULT_LIFECYCLE_THRESHOLDS): [Stage, number, number][] {
  const out: [Stage, number, number][] = [];
  const push = (s: Stage, a: number, b: number) => {
    if (a > b) return;
    const last = out[out.length - 1];
    if (last && last[0] === s && last[2] + 1 === a) last[2] = b;
    else out.push([s, a, b]);
  };
  const first = orderDays[0];
  if (first === undefined) {
    push('prospect', since, end);
    return out;
  }
  push('prospect', Math.min(since, first), first - 1);
  let r: number | undefined;
  for (let i = 0; i < orderDays.length; i++) {
    const o = orderDays[i]!;
    if (o > end) break;
    const next = Math.min(orderDays[i + 1] ?? end + 1, end + 1);
    // Reactivated: the customer was dormant (or churned) at the end of the day before this order.
    if (i > 0 && o - 1 - orderDays[i - 1]! >= t.activeDays) r = o;
    const points = [o, next, o + t.activeDays, o + t.churnDays, first + t.newDays, ...(r !== undefined ? [r + t.reactivatedDays] : [])]
      .filter((p) => p >= o && p <= next)
      .sort((a, b) => a - b);
    for (let j = 0; j < points.length - 1; j++) {
      const a = points[j]!;
      const b = points[j + 1]! - 1;
      if (a > b) continue;
      const age = a - o;
      const stage: Stage = age >= t.churnDays ? 'churned' : age >= t.activeDays ? 'dormant' : r !== undefined && a < r + t.reactivatedDays ? 'reactivated' : a - first < t.newDays ? 'new' : 'active';
      push(stage, a, b);
    }
  }
  return out;
}

export interface DailyBase {
  customers: number[];
  buyers: number[];
  stages: Record<Stage, number[]>;
  /** Customers whose stage became churned that day. */
  churnedIn: number[];
}

export interface BuyerSeries {
  orders: number[];
  revenue: number[];
  buyers: number[];
  newBuyers: number[];
  repeatBuyers: number[];
  /** Rolling windows ending on each day. */
  windows: Record<WindowDays, { buyers: number[]; newBuyers: number[]; repeatBuyers: number[] }>;
}

/** Accumulates customers into the day-by-day history over [start, end] (day numbers, inclusive). */
export class HistoryBuilder {
  private readonly n: number;
  private readonly d: Record<string, Float64Array> = {};
  private readonly pt: Record<string, Float64Array> = {};

  constructor(
    readonly start: number,
    readonly end: number,
    private readonly thresholds: LifecycleThresholds = DEFAULT_LIFECYCLE_THRESHOLDS,
  ) {
    this.n = end - start + 1;
  }

  private diff(name: string): Float64Array {
    return (this.d[name] ??= new Float64Array(this.n + 1));
  }

  /** Point values (not ranges): orders, revenue, buyers of a day. */
  private point(name: string): Float64Array {
    return (this.pt[name] ??= new Float64Array(this.n));
  }

  private at(name: string, day: number, v: number): void {
    const i = day - this.start;
    if (i >= 0 && i < this.n) this.point(name)[i]! += v;
  }

  private range(name: string, a: number, b: number, v = 1): void {
    addRange(this.diff(name), a - this.start, b - this.start, v);
  }

  /** The base history (customers, buyers, stages): the `all` slice only. */
  addBase(c: CustomerHistory): void {
    const { days } = dayCounts(c.orders);
    const since = Math.min(c.since, days[0] ?? c.since);
    this.range('customers', since, this.end);
    if (days[0] !== undefined) this.range('buyers', days[0], this.end);
    for (const [stage, a, b] of stageIntervals(since, days, this.end, this.thresholds)) {
      this.range(`stage:${stage}`, a, b);
      if (stage === 'churned') this.at('churnedIn', a, 1);
    }
  }

  /** One customer's orders in this slice: per-day and rolling-window buyers, orders and revenue. */
  addBuyer(orders: readonly OrderDay[]): void {
    const { days, counts, net, secondOrderDay } = dayCounts(orders);
    if (!days.length) return;
    days.forEach((d, i) => {
      this.at('orders', d, counts[i]!);
      this.at('revenue', d, net[i]!);
      this.at('buyers', d, 1);
      if (i === 0) this.at('newBuyers', d, 1);
      if (secondOrderDay !== undefined && d >= secondOrderDay) this.at('repeatBuyers', d, 1);
    });
    for (const w of WINDOWS) {
      for (const [a, b] of windowIntervals(days, w)) this.range(`w${w}:buyers`, a, b);
      this.range(`w${w}:newBuyers`, days[0]!, days[0]! + w - 1);
      if (secondOrderDay !== undefined) for (const [a, b] of windowIntervals(days, w, secondOrderDay)) this.range(`w${w}:repeatBuyers`, a, b);
    }
  }

  private series(name: string, kind: 'diff' | 'point'): number[] {
    if (kind === 'point') return Array.from(this.pt[name] ?? new Float64Array(this.n));
    return prefix(this.d[name] ?? new Float64Array(this.n + 1));
  }

  base(): DailyBase {
    return {
      customers: this.series('customers', 'diff'),
      buyers: this.series('buyers', 'diff'),
      stages: Object.fromEntries(['prospect', 'new', 'active', 'reactivated', 'dormant', 'churned'].map((s) => [s, this.series(`stage:${s}`, 'diff')])) as Record<Stage, number[]>,
      churnedIn: this.series('churnedIn', 'point'),
    };
  }

  buyerSeries(): BuyerSeries {
    return {
      orders: this.series('orders', 'point'),
      revenue: this.series('revenue', 'point'),
      buyers: this.series('buyers', 'point'),
      newBuyers: this.series('newBuyers', 'point'),
      repeatBuyers: this.series('repeatBuyers', 'point'),
      windows: Object.fromEntries(WINDOWS.map((w) => [w, { buyers: this.series(`w${w}:buyers`, 'diff'), newBuyers: this.series(`w${w}:newBuyers`, 'diff'), repeatBuyers: this.series(`w${w}:repeatBuyers`, 'diff') }])) as BuyerSeries['windows'],
    };
  }
}

/** Distinct buyers per calendar bucket (week or month starts, as day strings) of one slice. */
export class BucketBuilder {
  readonly rows = new Map<string, { orders: number; revenue: number; buyers: number; newBuyers: number; repeatBuyers: number }>();

  constructor(private readonly bucketOfDay: (day: number) => string, private readonly bucketEndDay: (bucket: string) => number) {}

  add(orders: readonly OrderDay[]): void {
    const { days, counts, net, secondOrderDay } = dayCounts(orders);
    if (!days.length) return;
    const firstBucket = this.bucketOfDay(days[0]!);
    const seen = new Map<string, { orders: number; revenue: number }>();
    days.forEach((d, i) => {
      const b = this.bucketOfDay(d);
      const e = seen.get(b) ?? { orders: 0, revenue: 0 };
      e.orders += counts[i]!;
      e.revenue += net[i]!;
      seen.set(b, e);
    });
    for (const [b, e] of seen) {
      const row = this.rows.get(b) ?? { orders: 0, revenue: 0, buyers: 0, newBuyers: 0, repeatBuyers: 0 };
      row.orders += e.orders;
      row.revenue += e.revenue;
      row.buyers += 1;
      if (b === firstBucket) row.newBuyers += 1;
      if (secondOrderDay !== undefined && secondOrderDay <= this.bucketEndDay(b)) row.repeatBuyers += 1;
      this.rows.set(b, row);
    }
  }
}
