import { ValidationError } from '../errors';
import { minimizePositive, type NelderMeadOptions } from './nelder-mead';
import { lnBeta, lnGamma, logAddExp, sumSeries } from './special-functions';

// Local bindings: global lookups are slow inside vm contexts (jest), and these run in the fit loops.
const { abs, exp, expm1, log, log1p, round } = Math;
const { isFinite: finite, isInteger: integer, isNaN: nan } = Number;
const INF = Number.POSITIVE_INFINITY;

/**
 * The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while
 * alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase they
 * drop out with probability p ~ Beta(a, b). Fitted by maximum likelihood on (x, t_x, T) per
 * customer. Time-unit agnostic: t_x, T, α and every horizon are in one unit of the caller's choice
 * (days in production, weeks for the published CDNOW figures); r, a and b have no unit.
 */

/** One customer's purchase history as of "now": x repeat purchase days, t_x the time of the last one and T the age, both from the first purchase. */
export interface PurchaseRow {
  x: number;
  t_x: number;
  T: number;
}

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdFit extends BgNbdParams {
  /** The maximised log-likelihood Σ ln L_i (same unit convention as the rows). */
  logLikelihood: number;
  /** Nelder–Mead iterations over all restarts, and objective evaluations. */
  iterations: number;
  evaluations: number;
  restarts: number;
  converged: boolean;
  customers: number;
}

export function validateRow(row: PurchaseRow, field = 'row'): void {
  const { x, t_x: tx, T } = row;
  if (!integer(x) || x < 0) throw ValidationError.field(`${field}.x`, `must be a non-negative whole number of repeat purchases, got ${x}`);
  if (!finite(tx) || tx < 0) throw ValidationError.field(`${field}.t_x`, `must be a non-negative finite time, got ${tx}`);
  if (!finite(T) || T < tx) throw ValidationError.field(`${field}.T`, `must be finite and at least t_x (${tx}), got ${T}`);
  if (x === 0 && tx !== 0) throw ValidationError.field(`${field}.t_x`, 'must be 0 when there are no repeat purchases');
}

export function validateBgNbd(p: BgNbdParams): void {
  for (const k of ['r', 'alpha', 'a', 'b'] as const) if (!(p[k] > 0) || !finite(p[k])) throw ValidationError.field(k, `must be a positive finite number, got ${p[k]}`);
}

/** ln L_i: the likelihood of one customer's (x, t_x, T) (FHL 2005, eq. 6). */
export function bgnbdCustomerLogLikelihood(p: BgNbdParams, row: PurchaseRow): number {
  const { r, alpha, a, b } = p;
  const { x, t_x: tx, T } = row;
  const lnBab = lnBeta(a, b);
  const head = lnGamma(r + x) - lnGamma(r) + r * log(alpha);
  const a1 = lnBeta(a, b + x) - lnBab - (r + x) * log(alpha + T);
  if (x === 0) return head + a1;
  const a2 = lnBeta(a + 1, b + x - 1) - lnBab - (r + x) * log(alpha + tx);
  return head + logAddExp(a1, a2);
}

interface Group {
  x: number;
  t_x: number;
  T: number;
  weight: number;
}

/** Identical rows counted once (the CDNOW summary has 2,357 rows but far fewer distinct ones). */
function groupRows(rows: readonly PurchaseRow[]): { groups: Group[]; xs: number[] } {
  const byKey = new Map<string, Group>();
  rows.forEach((row, i) => {
    validateRow(row, `rows[${i}]`);
    const key = `${row.x}|${row.t_x}|${row.T}`;
    const g = byKey.get(key);
    if (g) g.weight++;
    else byKey.set(key, { x: row.x, t_x: row.t_x, T: row.T, weight: 1 });
  });
  const groups = [...byKey.values()];
  return { groups, xs: [...new Set(groups.map((g) => g.x))] };
}

function groupedLogLikelihood(p: BgNbdParams, groups: readonly Group[], xs: readonly number[]): number {
  const { r, alpha, a, b } = p;
  const lnBab = lnBeta(a, b);
  const lnGr = lnGamma(r);
  const lnAlpha = log(alpha);
  // Terms that depend on x only, once per distinct x.
  const perX = new Map<number, { head: number; b1: number; b2: number }>();
  for (const x of xs) {
    perX.set(x, { head: lnGamma(r + x) - lnGr + r * lnAlpha, b1: lnBeta(a, b + x) - lnBab, b2: x > 0 ? lnBeta(a + 1, b + x - 1) - lnBab : -INF });
  }
  let ll = 0;
  for (const g of groups) {
    const k = perX.get(g.x)!;
    const a1 = k.b1 - (r + g.x) * log(alpha + g.T);
    const li = g.x === 0 ? a1 : logAddExp(a1, k.b2 - (r + g.x) * log(alpha + g.t_x));
    ll += g.weight * (k.head + li);
  }
  return ll;
}

/** Σ ln L_i over the rows. */
export function bgnbdLogLikelihood(p: BgNbdParams, rows: readonly PurchaseRow[]): number {
  const { groups, xs } = groupRows(rows);
  return groupedLogLikelihood(p, groups, xs);
}

export interface FitBgNbdOptions extends NelderMeadOptions {
  /** Starting point (default r = a = b = 1 and α = the mean age T, so any time unit starts close). */
  initial?: BgNbdParams;
}

/**
 * Maximum likelihood estimates of r, α, a, b: Nelder–Mead with restarts on the logarithms of
 * the parameters, minimising the mean negative log-likelihood. Needs at least one row with x > 0.
 */
export function fitBgNbd(rows: readonly PurchaseRow[], opts: FitBgNbdOptions = {}): BgNbdFit {
  if (rows.length === 0) throw ValidationError.field('rows', 'needs at least one customer');
  const { groups, xs } = groupRows(rows);
  if (!groups.some((g) => g.x > 0)) throw ValidationError.field('rows', 'needs at least one customer with a repeat purchase');
  const n = rows.length;
  const meanT = rows.reduce((s, r) => s + r.T, 0) / n;
  const init = opts.initial ?? { r: 1, alpha: meanT > 0 ? meanT : 1, a: 1, b: 1 };
  validateBgNbd(init);
  const objective = ([r, alpha, a, b]: readonly number[]) => -groupedLogLikelihood({ r: r!, alpha: alpha!, a: a!, b: b! }, groups, xs) / n;
  const res = minimizePositive(objective, [init.r, init.alpha, init.a, init.b], opts);
  const [r, alpha, a, b] = res.x as [number, number, number, number];
  return { r, alpha, a, b, logLikelihood: -res.value * n, iterations: res.iterations, evaluations: res.evaluations, restarts: res.restarts, converged: res.converged, customers: n };
}

/** The same model in another time unit: `factor` new units per old unit (weeks → days: 7). Only α has a unit. */
export function rescaleBgNbd<P extends BgNbdParams>(p: P, factor: number): P {
  if (!(factor > 0) || !finite(factor)) throw ValidationError.field('factor', 'must be a positive finite number');
  return { ...p, alpha: p.alpha * factor };
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + δ(x > 0) · a / (b + x - 1) · ((α + T) / (α + t_x))^(r + x)).
 * A customer without repeat purchases is alive for sure (BG/NBD drops out only after a purchase).
 */
export function probabilityAlive(p: BgNbdParams, row: PurchaseRow): number {
  validateBgNbd(p);
  validateRow(row);
  return 1 / (1 + deadOdds(p, row));
}

/** The odds of having dropped out: δ(x > 0) a / (b + x - 1) ((α + T) / (α + t_x))^(r + x), computed on the log scale. */
function deadOdds(p: BgNbdParams, row: PurchaseRow): number {
  if (row.x === 0) return 0;
  return exp(log(p.a / (p.b + row.x - 1)) + (p.r + row.x) * (log(p.alpha + row.T) - log(p.alpha + row.t_x)));
}

/** 1 - P(alive). */
export function churnRisk(p: BgNbdParams, row: PurchaseRow): number {
  validateBgNbd(p);
  validateRow(row);
  const odds = deadOdds(p, row);
  return odds / (1 + odds);
}

/**
 * E[Y(t) | x, t_x, T]: the expected number of purchases in the next t units (FHL 2005, eq. 10)
 *
 *   (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)] / (1 + δ(x>0) a/(b+x-1) ((α+T)/(α+t_x))^(r+x)),
 *   z = t / (α+T+t).
 *
 * Evaluated in a form without cancellation or a pole at a = 1: by Euler's transformation
 * ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; c; z) = (1-z)^(a-1) 2F1(c-r-x, a-1; c; z) with c = a+b+x-1, and
 * 2F1(A, ε; c; z) = 1 + ε S with S = Σ_{n≥1} (A)_n (ε+1)_{n-1} / ((c)_n n!) z^n, so the bracket over
 * (a-1) is  -expm1(ε ln(1-z)) / ε - (1-z)^ε S  with ε = a - 1 (→ -ln(1-z) as ε → 0). The terms of S
 * fall like n^(a-r-x-2) z^n, so the sum converges quickly even for customers with many purchases.
 */
export function expectedPurchases(p: BgNbdParams, row: PurchaseRow, t: number): number {
  validateBgNbd(p);
  validateRow(row);
  return expectedPurchasesIfAlive(p, row, t) / (1 + deadOdds(p, row));
}

/** E[Y(t) | alive now]: expectedPurchases / P(alive). */
export function expectedPurchasesIfAlive(p: BgNbdParams, row: PurchaseRow, t: number): number {
  validateBgNbd(p);
  validateRow(row);
  if (!finite(t) || t < 0) throw ValidationError.field('t', `must be a non-negative finite time, got ${t}`);
  if (t === 0) return 0;
  const { r, alpha, a, b } = p;
  const { x, T } = row;
  const c = a + b + x - 1;
  const A = a + b - 1 - r;
  const eps = a - 1;
  const ln1mz = -log1p(t / (alpha + T)); // ln(1 - z) = ln((α+T)/(α+T+t))
  const z = t / (alpha + T + t);
  const first = (A * z) / c;
  const S = first === 0 ? 0 : sumSeries(first, (n) => ((A + n + 1) * (eps + n + 1) * z) / ((c + n + 1) * (n + 2)), z);
  const lead = abs(eps * ln1mz) < 1e-12 ? -ln1mz * (1 + (eps * ln1mz) / 2) : -expm1(eps * ln1mz) / eps;
  return c * (lead - exp(eps * ln1mz) * S);
}

/** E[X(t)] for a customer just acquired (x = t_x = T = 0): (a+b-1)/(a-1) [1 - (α/(α+t))^r 2F1(r, b; a+b-1; t/(α+t))]. */
export function expectedPurchasesNew(p: BgNbdParams, t: number): number {
  return expectedPurchases(p, { x: 0, t_x: 0, T: 0 }, t);
}

/**
 * P(at least one purchase in the next t | alive now) = 1 - ((α+T)/(α+T+t))^(r+x): while alive the
 * rate is λ | data ~ Gamma(r+x, α+T), and a BG/NBD customer drops out only right after a purchase,
 * so an alive customer's next purchase always comes (a Pareto II waiting time).
 */
export function purchaseProbabilityIfAlive(p: BgNbdParams, row: PurchaseRow, t: number): number {
  validateBgNbd(p);
  validateRow(row);
  if (!(t >= 0)) throw ValidationError.field('t', `must be a non-negative time, got ${t}`);
  return -expm1(-(p.r + row.x) * log1p(t / (p.alpha + row.T)));
}

/**
 * The time from now by which an alive customer has made their next purchase with probability
 * `quantile` (default ½, the median): (α+T) ((1 - q)^(-1/(r+x)) - 1). Unconditionally the
 * customer may never buy again (probability churnRisk); this is the "when, if at all" figure.
 */
export function nextPurchaseTime(p: BgNbdParams, row: PurchaseRow, quantile = 0.5): number {
  validateBgNbd(p);
  validateRow(row);
  if (!(quantile > 0 && quantile < 1)) throw ValidationError.field('quantile', 'must be between 0 and 1 (exclusive)');
  return (p.alpha + row.T) * expm1(-log1p(-quantile) / (p.r + row.x));
}

export interface NextOrderOptions {
  /** Milliseconds per model time unit (default one day). */
  unitMs?: number;
  /** Default ½: the median waiting time given alive. */
  quantile?: number;
}

const DAY_MS = 86_400_000;
const MAX_DATE_MS = 8.64e15;

/**
 * The instant the next order is expected, `now` + nextPurchaseTime (the median time to the next
 * purchase given the customer is alive; row measured as of `now`). Undefined when it lies beyond
 * the representable dates (a customer with almost no purchase rate).
 */
export function expectedNextOrderAt(p: BgNbdParams, row: PurchaseRow, now: string, opts: NextOrderOptions = {}): string | undefined {
  const nowMs = Date.parse(now);
  if (nan(nowMs)) throw ValidationError.field('now', 'must be an ISO 8601 instant');
  const unitMs = opts.unitMs ?? DAY_MS;
  if (!(unitMs > 0)) throw ValidationError.field('unitMs', 'must be positive');
  const at = nowMs + nextPurchaseTime(p, row, opts.quantile ?? 0.5) * unitMs;
  return finite(at) && abs(at) <= MAX_DATE_MS ? new Date(round(at)).toISOString() : undefined;
}
