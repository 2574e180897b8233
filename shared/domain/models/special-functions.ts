/**
 * Special functions the customer value models need: log-gamma, log-beta and the Gauss
 * hypergeometric function 2F1. Pure, double precision, no dependencies.
 */

// Local bindings: global lookups are slow inside vm contexts (jest), and these run in the fit loops.
const { PI, abs, exp, floor, log, log1p, max, min, pow, sin } = Math;
const { isFinite: finite, isInteger: integer, isNaN: nan } = Number;
const INF = Number.POSITIVE_INFINITY;

const LN_SQRT_2PI = 0.5 * log(2 * PI);

/** Lanczos approximation, g = 7, n = 9 (relative error about 1e-15 for x >= 0.5). */
const LANCZOS_G = 7;
const LANCZOS: readonly number[] = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/**
 * ln |Γ(x)|. Lanczos for x >= 0.5, the reflection formula below it; +Infinity at the poles
 * (0, -1, -2, …), NaN for NaN.
 */
export function lnGamma(x: number): number {
  if (nan(x)) return NaN;
  if (x === INF) return INF;
  if (x <= 0 && integer(x)) return INF;
  if (x < 0.5) {
    // Γ(x) Γ(1 - x) = π / sin(πx)
    return log(PI / abs(sin(PI * x))) - lnGamma(1 - x);
  }
  const y = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (y + i);
  const t = y + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (y + 0.5) * log(t) - t + log(sum);
}

/** The Stirling series remainder ln Γ(x) - [(x - ½) ln x - x + ½ ln 2π], for x >= 10 (error < 1e-16). */
function stirlingCorrection(x: number): number {
  const x2 = 1 / (x * x);
  return (1 / x) * (1 / 12 + x2 * (-1 / 360 + x2 * (1 / 1260 + x2 * (-1 / 1680 + x2 * (1 / 1188 + x2 * (-691 / 360360))))));
}

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b) for a, b > 0. When the larger argument is 10 or
 * more, ln Γ(b) - ln Γ(a + b) is computed as one difference of Stirling series (log1p form), so
 * no precision is lost subtracting two large log-gammas (the BG/NBD terms B(a, b + x) with large x).
 */
export function lnBeta(a: number, b: number): number {
  if (nan(a) || nan(b)) return NaN;
  if (a <= 0 || b <= 0) return NaN;
  const lo = min(a, b);
  const hi = max(a, b);
  if (hi < 10) return lnGamma(lo) + lnGamma(hi) - lnGamma(lo + hi);
  // ln Γ(hi) - ln Γ(lo + hi) = (hi - ½) ln hi - hi - (lo + hi - ½) ln(lo + hi) + lo + hi + c(hi) - c(lo + hi)
  //                         = -(hi - ½) log1p(lo / hi) - lo ln(lo + hi) + lo + c(hi) - c(lo + hi)
  const diff = -(hi - 0.5) * log1p(lo / hi) - lo * log(lo + hi) + lo + stirlingCorrection(hi) - stirlingCorrection(lo + hi);
  return lnGamma(lo) + diff;
}

export interface SeriesOptions {
  /** Relative tolerance of the sum (default 1e-15). */
  tolerance?: number;
  /** Give up after this many terms (default 1,000,000): throws a RangeError. */
  maxTerms?: number;
}

/**
 * Sums t_0 + t_1 + … where t_{n+1} = t_n · ratio(n). Stops when the next terms cannot change the
 * sum by more than the tolerance: the term is small relative to the sum and the terms are
 * shrinking geometrically (the tail bound |t| ρ / (1 - ρ), ρ the larger of the current ratio and
 * `limitRatio`, the ratio's limit). Throws a RangeError when it does not converge in maxTerms.
 */
export function sumSeries(first: number, ratio: (n: number) => number, limitRatio: number, opts: SeriesOptions = {}): number {
  const tol = opts.tolerance ?? 1e-15;
  const maxTerms = opts.maxTerms ?? 1_000_000;
  let term = first;
  let sum = first;
  for (let n = 0; n < maxTerms; n++) {
    const r = ratio(n);
    if (r === 0) return sum;
    term *= r;
    sum += term;
    if (!finite(sum)) throw new RangeError('series overflowed');
    const rho = max(abs(r), abs(limitRatio));
    if (rho < 1) {
      const tail = (abs(term) * rho) / (1 - rho);
      if (tail <= tol * abs(sum) || (sum === 0 && term === 0)) return sum;
    }
  }
  throw new RangeError(`series did not converge in ${maxTerms} terms`);
}

const isNonPositiveInteger = (v: number) => v <= 0 && integer(v);

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for real arguments and z <= 1.
 * - 0 <= z < 1: the power series Σ (a)_n (b)_n / (c)_n z^n / n!, summed until the tail is below the
 *   tolerance (slow but exact as z nears 1; at most maxTerms terms);
 * - z < 0: Pfaff's transformation 2F1(a, b; c; z) = (1 - z)^-a 2F1(a, c - b; c; z / (z - 1)), whose
 *   argument lies in (0, 1) and has no alternating cancellation;
 * - z = 1: Gauss's sum Γ(c) Γ(c - a - b) / (Γ(c - a) Γ(c - b)) when c - a - b > 0.
 * A terminating series (a or b a non-positive integer) is evaluated directly for any z.
 * Throws a RangeError when c is a non-positive integer, z > 1, or the series does not converge.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, opts: SeriesOptions = {}): number {
  if ([a, b, c, z].some(nan)) return NaN;
  if (isNonPositiveInteger(c) && !(isNonPositiveInteger(a) && a > c) && !(isNonPositiveInteger(b) && b > c)) throw new RangeError(`2F1 is undefined for c = ${c}`);
  if (z === 0 || a === 0 || b === 0) return 1;
  const terminating = isNonPositiveInteger(a) || isNonPositiveInteger(b);
  if (terminating) {
    // A polynomial of degree -max(a, b) over the non-positive integer ones: every term, in order.
    const degree = -max(isNonPositiveInteger(a) ? a : -INF, isNonPositiveInteger(b) ? b : -INF);
    let term = 1;
    let sum = 1;
    for (let n = 0; n < degree; n++) {
      term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
      sum += term;
    }
    return sum;
  }
  if (z > 1) throw new RangeError('2F1 is only implemented for z <= 1');
  if (z === 1) {
    const s = c - a - b;
    if (s <= 0) throw new RangeError('2F1(a, b; c; 1) diverges unless c - a - b > 0');
    return gammaRatio([c, s], [c - a, c - b]);
  }
  if (z < 0) {
    const w = z / (z - 1);
    return pow(1 - z, -a) * hyp2f1(a, c - b, c, w, opts);
  }
  return sumSeries(1, (n) => ((a + n) * (b + n) * z) / ((c + n) * (n + 1)), z, opts);
}

/** Π Γ(num) / Π Γ(den), with signs (Γ is negative on some negative intervals). */
function gammaRatio(num: number[], den: number[]): number {
  const sign = (v: number) => (v > 0 || floor(v) % 2 === 0 ? 1 : -1);
  let ln = 0;
  let s = 1;
  for (const v of num) {
    if (isNonPositiveInteger(v)) return INF;
    ln += lnGamma(v);
    s *= sign(v);
  }
  for (const v of den) {
    if (isNonPositiveInteger(v)) return 0;
    ln -= lnGamma(v);
    s *= sign(v);
  }
  return s * exp(ln);
}

/** ln(e^x + e^y) without overflow. */
export function logAddExp(x: number, y: number): number {
  if (x === -INF) return y;
  if (y === -INF) return x;
  const m = max(x, y);
  return m + log1p(exp(-abs(x - y)));
}
