import { ValidationError } from '../errors';
import type { Aggregates } from '../orders';
import type { PurchaseRow } from './bg-nbd';
import { dayNumber } from './days';

/**
 * The model inputs (x, t_x, T, zbar) of one customer as of an instant `now`, from stored data, as
 * the papers define them: purchases are counted in UTC days (several orders on one day are one
 * purchase worth their sum), x = purchase days after the first, t_x = time from the first to the
 * last purchase day, T = time from the first purchase day to the day of `now`. Purchases after
 * the day of `now` are ignored; those on it count. With `now` = a calibration end day at 00:00
 * UTC this is exactly `cdnowSummary`.
 */

export interface PurchaseHistory extends PurchaseRow {
  /** Mean value of the x repeat purchase days (0 when x = 0); undefined when values were not given. */
  zbar?: number;
  firstDay: string;
  lastDay: string;
  /** x + 1. */
  purchaseDays: number;
  /** False when x had to be estimated (aggregates whose first orders fell out of the per-day window). */
  exact: boolean;
}

export interface PurchaseHistoryOptions {
  /** Days per model time unit (default 1: t_x and T in days; 7 for weeks). */
  unitDays?: number;
}

/** A purchase: a UTC day or an ISO instant, with its value in minor units when zbar is wanted. */
export type Purchase = string | { at: string; valueMinor?: number };

function unitOf(opts: PurchaseHistoryOptions): number {
  const unit = opts.unitDays ?? 1;
  if (!(unit > 0) || !Number.isFinite(unit)) throw ValidationError.field('unitDays', `must be a positive number of days, got ${unit}`);
  return unit;
}

/**
 * From a customer's purchases (order times or days, any order, with or without values). Undefined
 * when none falls on or before the day of `now`. zbar is the mean of the repeat days' values when
 * every purchase has a `valueMinor`.
 */
export function purchaseHistory(purchases: readonly Purchase[], now: string, opts: PurchaseHistoryOptions = {}): PurchaseHistory | undefined {
  const unit = unitOf(opts);
  const today = dayNumber(now, 'now');
  const byDay = new Map<number, number>();
  let valued = true;
  purchases.forEach((p, i) => {
    const at = typeof p === 'string' ? p : p.at;
    const value = typeof p === 'string' ? undefined : p.valueMinor;
    if (value !== undefined && !Number.isFinite(value)) throw ValidationError.field(`purchases[${i}].valueMinor`, 'must be a finite amount in minor units');
    const day = dayNumber(at, `purchases[${i}].at`);
    if (day > today) return;
    if (value === undefined) valued = false;
    byDay.set(day, (byDay.get(day) ?? 0) + (value ?? 0));
  });
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const first = days[0];
  if (first === undefined) return undefined;
  const last = days[days.length - 1]!;
  const x = days.length - 1;
  const repeatValue = days.slice(1).reduce((s, d) => s + byDay.get(d)!, 0);
  return {
    x,
    t_x: (last - first) / unit,
    T: (today - first) / unit,
    ...(valued ? { zbar: x > 0 ? repeatValue / x : 0 } : {}),
    firstDay: dayString(first),
    lastDay: dayString(last),
    purchaseDays: days.length,
    exact: true,
  };
}

const dayString = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);

export interface AggregatesHistoryOptions extends PurchaseHistoryOptions {
  /** When given, zbar = spentMinor[currency] / purchase days: the mean per purchase day *including* the first (the aggregates keep no per-day values). */
  currency?: string;
}

/**
 * From a customer's aggregates (orderCount, firstOrderAt, lastOrderAt and the per-day order
 * counts of the last DAY_WINDOW days). Exact while the first order day is still in `days`; once it
 * has been pruned, the orders no longer in `days` (orderCount - Σ days) are assumed to have been on
 * distinct days (at least one: the first), and `exact` is false. Undefined without orders on or
 * before the day of `now`.
 */
export function purchaseHistoryFromAggregates(
  agg: Pick<Aggregates, 'orderCount' | 'days' | 'firstOrderAt' | 'lastOrderAt' | 'spentMinor'>,
  now: string,
  opts: AggregatesHistoryOptions = {},
): PurchaseHistory | undefined {
  const unit = unitOf(opts);
  const today = dayNumber(now, 'now');
  if (agg.orderCount <= 0 || !agg.firstOrderAt) return undefined;
  const first = dayNumber(agg.firstOrderAt, 'firstOrderAt');
  if (first > today) return undefined;
  let inMap = 0;
  const seen: number[] = [];
  for (const [day, count] of Object.entries(agg.days)) {
    if (!(count > 0)) continue;
    inMap += count;
    const n = dayNumber(day, `days.${day}`);
    if (n <= today && n >= first) seen.push(n);
  }
  seen.sort((a, b) => a - b);
  const exact = seen[0] === first;
  const pruned = Math.max(1, agg.orderCount - inMap);
  const purchaseDays = exact ? seen.length : seen.length + pruned;
  const lastOrder = agg.lastOrderAt ? dayNumber(agg.lastOrderAt, 'lastOrderAt') : first;
  const last = seen.length ? seen[seen.length - 1]! : Math.min(Math.max(lastOrder, first), today);
  const x = purchaseDays - 1;
  let zbar: number | undefined;
  if (opts.currency !== undefined) zbar = x > 0 ? (agg.spentMinor[opts.currency] ?? 0) / purchaseDays : 0;
  return {
    x,
    t_x: x > 0 ? (last - first) / unit : 0,
    T: (today - first) / unit,
    ...(zbar !== undefined ? { zbar } : {}),
    firstDay: dayString(first),
    lastDay: dayString(x > 0 ? last : first),
    purchaseDays,
    exact,
  };
}
