import { lnBeta, lnGamma } from '../models/special-functions';

/**
 * The significance tests of A/B tests, pure and in double precision: the two-proportion z-test
 * (open, click and conversion rates) and Welch's t-test (revenue per recipient, unequal
 * variances), with the normal and Student t distributions computed from the regularized
 * incomplete gamma and beta functions (series and Lentz continued fractions).
 */
const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITER = 10_000;

/** The regularized lower incomplete gamma P(a, x), a > 0, x >= 0. */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) {
    // Series: P = e^{-x} x^a / Γ(a+1) Σ x^n / ((a+1)...(a+n))
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITER; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
  }
  return 1 - gammaQcf(a, x);
}

/** The regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), by a continued fraction for x >= a + 1. */
function gammaQcf(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaP(a, x) : gammaQcf(a, x);
}

/** erfc(x) = Q(1/2, x²) for x >= 0; erfc(-x) = 2 - erfc(x). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x >= 0 ? gammaQ(0.5, x * x) : 2 - gammaQ(0.5, x * x);
}

/** The standard normal CDF Φ(z). */
export const normalCdf = (z: number) => 0.5 * erfc(-z / Math.SQRT2);

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betacf(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), a, b > 0, 0 <= x <= 1. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - lnBeta(a, b));
  return x < (a + 1) / (a + b + 2) ? (front * betacf(a, b, x)) / a : 1 - (front * betacf(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom (df may be fractional: Welch). */
export function studentTTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

export interface TestResult {
  statistic: number;
  /** Two-sided. */
  pValue: number;
}

/**
 * The two-proportion z-test with the pooled proportion: x1 successes of n1 against x2 of n2.
 * No information (an empty group, or no successes and no failures to tell apart) is p = 1.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): TestResult {
  if (n1 <= 0 || n2 <= 0) return { statistic: 0, pValue: 1 };
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { statistic: 0, pValue: 1 };
  const z = (p1 - p2) / se;
  return { statistic: z, pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))) };
}

/** A group's values summarized: count, sum and sum of squares (each recipient one value, 0 for no revenue). */
export interface Moments {
  n: number;
  sum: number;
  sumSq: number;
}

export const meanOf = (m: Moments) => (m.n > 0 ? m.sum / m.n : 0);

/** The unbiased sample variance from the moments (0 for fewer than two values). */
export function varianceOf(m: Moments): number {
  if (m.n < 2) return 0;
  return Math.max(0, (m.sumSq - (m.sum * m.sum) / m.n) / (m.n - 1));
}

/**
 * Welch's t-test (unequal variances) of the means of two groups, with the Welch–Satterthwaite
 * degrees of freedom. Groups of fewer than two values, or with no variance at all, are p = 1
 * unless their means differ with no variance (then p = 0).
 */
export function welchTTest(a: Moments, b: Moments): TestResult & { df: number } {
  if (a.n < 2 || b.n < 2) return { statistic: 0, pValue: 1, df: 0 };
  const va = varianceOf(a) / a.n;
  const vb = varianceOf(b) / b.n;
  const diff = meanOf(a) - meanOf(b);
  const se2 = va + vb;
  if (se2 === 0) return { statistic: diff === 0 ? 0 : Math.sign(diff) * Infinity, pValue: diff === 0 ? 1 : 0, df: a.n + b.n - 2 };
  const t = diff / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  return { statistic: t, pValue: Math.min(1, studentTTwoSided(t, df)), df };
}
