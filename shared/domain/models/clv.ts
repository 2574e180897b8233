import { ValidationError } from '../errors';
import { expectedPurchases, probabilityAlive, type BgNbdParams, type PurchaseRow } from './bg-nbd';
import { expectedAverageValue, type GammaGammaParams } from './gamma-gamma';

// Local bindings: global lookups are slow inside vm contexts (jest), and these run in the fit loops.
const { ceil, min, pow } = Math;
const { isFinite: finite } = Number;

/**
 * Customer lifetime value over a horizon: BG/NBD expected purchases × Gamma–Gamma expected
 * purchase value (FHL 2005 "RFM and CLV" treat the two as independent), undiscounted and
 * discounted per period.
 */

export interface ClvOptions {
  /** How far ahead, in the BG/NBD time unit (365 for a year in days). */
  horizon: number;
  /** Discounting period in the same unit (default 30: a month when the unit is days). */
  period?: number;
  /** Discount rate per period (default 0.01 a month, about 12.7 % a year); 0 for none. */
  discountRate?: number;
  /** Share of the purchase value that is profit (default 1: the CLV is revenue). */
  margin?: number;
}

export interface ClvResult {
  /** E[Y(horizon) | x, t_x, T]. */
  expectedPurchases: number;
  /** E(M | x, zbar), in the money unit of the Gamma–Gamma fit. */
  expectedAverageValue: number;
  /** margin × expectedPurchases × expectedAverageValue. */
  undiscounted: number;
  /** Each period's expected purchases valued at the end of the period: Σ ΔE[Y] m margin / (1 + d)^(t_i / period). */
  discounted: number;
  /** P(alive | x, t_x, T). */
  probabilityAlive: number;
  /** discounted / P(alive): what the customer is worth if they are still a customer, the value at stake when they churn. */
  discountedIfAlive: number;
}

const MAX_PERIODS = 100_000;

/**
 * The value of one customer (row as of now, zbar their mean repeat purchase value; zbar is ignored
 * when x = 0). Periods are [t_{i-1}, t_i] with t_i = min(i · period, horizon); the expected purchases
 * of period i, E[Y(t_i)] - E[Y(t_{i-1})], are discounted by (1 + d)^(t_i / period) (a partial last
 * period by its fraction).
 */
export function customerLifetimeValue(bg: BgNbdParams, gg: GammaGammaParams, row: PurchaseRow & { zbar: number }, opts: ClvOptions): ClvResult {
  const { horizon } = opts;
  const period = opts.period ?? 30;
  const d = opts.discountRate ?? 0.01;
  const margin = opts.margin ?? 1;
  if (!finite(horizon) || horizon < 0) throw ValidationError.field('horizon', `must be a non-negative finite time, got ${horizon}`);
  if (!(period > 0) || !finite(period)) throw ValidationError.field('period', `must be a positive finite time, got ${period}`);
  if (!finite(d) || d < 0) throw ValidationError.field('discountRate', `must be a non-negative rate per period, got ${d}`);
  if (!finite(margin) || margin < 0) throw ValidationError.field('margin', `must be a non-negative share, got ${margin}`);
  const periods = ceil(horizon / period);
  if (periods > MAX_PERIODS) throw ValidationError.field('period', `gives ${periods} periods over the horizon; at most ${MAX_PERIODS}`);
  const average = expectedAverageValue(gg, row);
  const value = average * margin;
  let discounted = 0;
  let before = 0;
  for (let i = 1; i <= periods; i++) {
    const t = min(i * period, horizon);
    const cumulative = expectedPurchases(bg, row, t);
    discounted += ((cumulative - before) * value) / pow(1 + d, t / period);
    before = cumulative;
  }
  const alive = probabilityAlive(bg, row);
  return {
    expectedPurchases: before,
    expectedAverageValue: average,
    undiscounted: before * value,
    discounted,
    probabilityAlive: alive,
    discountedIfAlive: alive > 0 ? discounted / alive : 0,
  };
}
