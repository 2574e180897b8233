import { ValidationError } from '../errors';
import { minimizePositive, type NelderMeadOptions } from './nelder-mead';
import { lnGamma } from './special-functions';

// Local bindings: global lookups are slow inside vm contexts (jest), and these run in the fit loops.
const { log } = Math;
const { isFinite: finite, isInteger: integer } = Number;

/**
 * The Gamma–Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves for
 * customer base analysis"; Colombo & Jiang 1999): a customer's purchase values are Gamma(p, ν)
 * around their own mean p/ν, with ν ~ Gamma(q, γ) across customers. Fitted on customers with
 * at least one repeat purchase from x (repeat purchase days) and zbar (their mean value). The
 * money unit is the caller's (dollars for the published figures, minor units in production): γ
 * carries it, p and q do not.
 */

export interface SpendRow {
  /** Repeat purchase days (> 0 to take part in the fit). */
  x: number;
  /** Mean value of those purchases (> 0). */
  zbar: number;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  /** γ in the paper (the scale of the spread of means across customers, in money units). */
  v: number;
}

export interface GammaGammaFit extends GammaGammaParams {
  logLikelihood: number;
  iterations: number;
  evaluations: number;
  restarts: number;
  converged: boolean;
  customers: number;
}

export function validateGammaGamma(g: GammaGammaParams): void {
  for (const k of ['p', 'q', 'v'] as const) if (!(g[k] > 0) || !finite(g[k])) throw ValidationError.field(k, `must be a positive finite number, got ${g[k]}`);
}

function validateSpend(row: SpendRow, field: string): void {
  if (!integer(row.x) || row.x < 1) throw ValidationError.field(`${field}.x`, `must be a whole number of repeat purchases >= 1, got ${row.x}`);
  if (!(row.zbar > 0) || !finite(row.zbar)) throw ValidationError.field(`${field}.zbar`, `must be a positive mean purchase value, got ${row.zbar}`);
}

/**
 * ln L_i = ln Γ(px + q) - ln Γ(px) - ln Γ(q) + q ln γ + (px - 1) ln zbar + px ln x - (px + q) ln(x zbar + γ):
 * the density of the mean zbar of x purchases (FHL 2005, eq. 3 and the appendix).
 */
export function gammaGammaCustomerLogLikelihood(g: GammaGammaParams, row: SpendRow): number {
  const { p, q, v } = g;
  const { x, zbar } = row;
  const px = p * x;
  return lnGamma(px + q) - lnGamma(px) - lnGamma(q) + q * log(v) + (px - 1) * log(zbar) + px * log(x) - (px + q) * log(x * zbar + v);
}

export function gammaGammaLogLikelihood(g: GammaGammaParams, rows: readonly SpendRow[]): number {
  let ll = 0;
  for (const row of rows) ll += gammaGammaCustomerLogLikelihood(g, row);
  return ll;
}

export interface FitGammaGammaOptions extends NelderMeadOptions {
  /** Starting point (default p = q = 1, γ = the mean of zbar, so any money unit starts close). */
  initial?: GammaGammaParams;
}

/**
 * Maximum likelihood p, q, γ over the rows with x > 0 (rows with x = 0 are skipped, as in the
 * paper: they carry no repeat purchase value). Needs at least two such customers.
 */
export function fitGammaGamma(rows: readonly SpendRow[], opts: FitGammaGammaOptions = {}): GammaGammaFit {
  const used = rows.filter((r) => r.x > 0);
  used.forEach((row, i) => validateSpend(row, `rows[${i}]`));
  if (used.length < 2) throw ValidationError.field('rows', 'needs at least two customers with a repeat purchase');
  const n = used.length;
  const meanZ = used.reduce((s, r) => s + r.zbar, 0) / n;
  const init = opts.initial ?? { p: 1, q: 1, v: meanZ };
  validateGammaGamma(init);
  const objective = ([p, q, v]: readonly number[]) => -gammaGammaLogLikelihood({ p: p!, q: q!, v: v! }, used) / n;
  const res = minimizePositive(objective, [init.p, init.q, init.v], opts);
  const [p, q, v] = res.x as [number, number, number];
  return { p, q, v, logLikelihood: -res.value * n, iterations: res.iterations, evaluations: res.evaluations, restarts: res.restarts, converged: res.converged, customers: n };
}

/** The same model in another money unit: `factor` new units per old one (dollars → cents: 100). Only γ has a unit. */
export function rescaleGammaGamma<G extends GammaGammaParams>(g: G, factor: number): G {
  if (!(factor > 0) || !finite(factor)) throw ValidationError.field('factor', 'must be a positive finite number');
  return { ...g, v: g.v * factor };
}

/** E(M) = pγ / (q - 1): the mean purchase value of a customer about whom nothing is known (needs q > 1). */
export function populationAverageValue(g: GammaGammaParams): number {
  validateGammaGamma(g);
  if (g.q <= 1) throw ValidationError.field('q', 'must exceed 1 for the mean purchase value to exist');
  return (g.p * g.v) / (g.q - 1);
}

/**
 * E(M | x, zbar) = p (γ + x zbar) / (px + q - 1): a weighted average of the population mean
 * pγ/(q-1) (weight (q-1)/(px+q-1)) and the customer's own zbar (weight px/(px+q-1)). With x = 0
 * it is the population mean.
 */
export function expectedAverageValue(g: GammaGammaParams, row: SpendRow): number {
  validateGammaGamma(g);
  if (!integer(row.x) || row.x < 0) throw ValidationError.field('x', `must be a non-negative whole number, got ${row.x}`);
  if (row.x === 0) return populationAverageValue(g);
  if (!(row.zbar > 0) || !finite(row.zbar)) throw ValidationError.field('zbar', `must be a positive mean purchase value, got ${row.zbar}`);
  const d = g.p * row.x + g.q - 1;
  if (d <= 0) throw ValidationError.field('q', 'p·x + q must exceed 1 for the conditional mean to exist');
  return (g.p * (g.v + row.x * row.zbar)) / d;
}
