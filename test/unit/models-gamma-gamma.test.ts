import { cdnowSummary, parseCdnow, type SummaryOrder } from '../../shared/domain/cdnow';
import { ValidationError } from '../../shared/domain/errors';
import { toMinor } from '../../shared/domain/money';
import { expectedPurchases, probabilityAlive, type BgNbdParams } from '../../shared/domain/models/bg-nbd';
import { customerLifetimeValue } from '../../shared/domain/models/clv';
import {
  expectedAverageValue,
  fitGammaGamma,
  gammaGammaCustomerLogLikelihood,
  gammaGammaLogLikelihood,
  populationAverageValue,
  rescaleGammaGamma,
  type GammaGammaParams,
} from '../../shared/domain/models/gamma-gamma';
import { readShared } from '../support/shared-data';

/** Gamma–Gamma on the CDNOW summary rebuilt from the raw log (946 customers with x > 0), and CLV. */
const orders: SummaryOrder[] = parseCdnow(readShared('data', 'cdnow', 'CDNOW_sample.txt')).map((e) => ({
  placedAt: e.data.placedAt as string,
  totalMinor: toMinor(e.data.total as string, 'USD'),
  currency: 'USD',
  identity: { platformCustomerId: e.data.customer?.id },
}));
const rows = [...cdnowSummary(orders).values()];
const PUBLISHED: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.45 };
const BGNBD: BgNbdParams = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
const relErr = (ours: number, theirs: number) => Math.abs(ours / theirs - 1);

describe('fitGammaGamma on CDNOW', () => {
  it('reproduces the published p, q, v within 2 % on the 946 repeat buyers', () => {
    const t0 = performance.now();
    const fit = fitGammaGamma(rows);
    const ms = performance.now() - t0;
    expect(fit.customers).toBe(946);
    expect(relErr(fit.p, PUBLISHED.p)).toBeLessThan(0.02);
    expect(relErr(fit.q, PUBLISHED.q)).toBeLessThan(0.02);
    expect(relErr(fit.v, PUBLISHED.v)).toBeLessThan(0.02);
    expect(fit.converged).toBe(true);
    expect(fit.logLikelihood).toBeCloseTo(gammaGammaLogLikelihood(fit, rows.filter((r) => r.x > 0)), 6);
    // The maximum: the published (rounded) point is no better.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(gammaGammaLogLikelihood(PUBLISHED, rows.filter((r) => r.x > 0)));
    expect(ms).toBeLessThan(5000);
  });

  it('is money-unit agnostic: zbar in cents gives v × 100 and the same p, q', () => {
    const fit = fitGammaGamma(rows.map((r) => ({ x: r.x, zbar: r.zbar * 100 })));
    expect(relErr(fit.p, PUBLISHED.p)).toBeLessThan(0.02);
    expect(relErr(fit.q, PUBLISHED.q)).toBeLessThan(0.02);
    expect(relErr(fit.v, PUBLISHED.v * 100)).toBeLessThan(0.02);
    expect(rescaleGammaGamma(PUBLISHED, 100).v).toBeCloseTo(1545, 10);
    expect(() => rescaleGammaGamma(PUBLISHED, -1)).toThrow('factor');
  });

  it('refuses too few repeat buyers and invalid rows', () => {
    expect(() => fitGammaGamma([{ x: 0, zbar: 0 }, { x: 2, zbar: 10 }])).toThrow('at least two customers');
    expect(() => fitGammaGamma([{ x: 2, zbar: 0 }, { x: 2, zbar: 10 }])).toThrow('rows[0].zbar');
    expect(() => fitGammaGamma([{ x: 1.5, zbar: 3 }, { x: 2, zbar: 10 }])).toThrow('rows[0].x');
    expect(() => fitGammaGamma([{ x: 1, zbar: 3 }, { x: 2, zbar: 10 }], { initial: { p: 1, q: 1, v: 0 } })).toThrow(ValidationError);
  });
});

describe('Gamma–Gamma expectations', () => {
  it('has the density of the mean of x purchases as its customer term', () => {
    // x = 1: zbar ~ Gamma(p, ν), ν ~ Gamma(q, γ): f(z) = Γ(p+q)/(Γ(p)Γ(q)) γ^q z^(p-1) / (z+γ)^(p+q)
    const { p, q, v } = PUBLISHED;
    const z = 30;
    const lnB = (x: number, y: number) => lgamma(x) + lgamma(y) - lgamma(x + y);
    const want = -lnB(p, q) + q * Math.log(v) + (p - 1) * Math.log(z) - (p + q) * Math.log(z + v);
    expect(gammaGammaCustomerLogLikelihood(PUBLISHED, { x: 1, zbar: z })).toBeCloseTo(want, 10);
  });

  it('averages the population mean pγ/(q-1) and the customer mean by the number of purchases', () => {
    const pop = populationAverageValue(PUBLISHED);
    expect(pop).toBeCloseTo((6.25 * 15.45) / 2.74, 12);
    expect(expectedAverageValue(PUBLISHED, { x: 0, zbar: 0 })).toBe(pop);
    const e = expectedAverageValue(PUBLISHED, { x: 2, zbar: 22.35 });
    const w = (6.25 * 2) / (6.25 * 2 + 3.74 - 1);
    expect(e).toBeCloseTo((1 - w) * pop + w * 22.35, 10);
    // CDNOW customer 1 with the fitted parameters: 24.65 (as the lifetimes library reports).
    expect(expectedAverageValue({ p: 6.2496, q: 3.7442, v: 15.4435 }, { x: 2, zbar: 22.345 })).toBeCloseTo(24.65, 2);
    // Many purchases: the customer's own mean dominates.
    expect(expectedAverageValue(PUBLISHED, { x: 500, zbar: 100 })).toBeCloseTo(100, 0);
  });

  it('refuses a mean that does not exist and invalid input', () => {
    expect(() => populationAverageValue({ p: 1, q: 0.9, v: 1 })).toThrow('q: must exceed 1');
    expect(() => expectedAverageValue({ p: 0.01, q: 0.5, v: 1 }, { x: 1, zbar: 5 })).toThrow('p·x + q');
    expect(() => expectedAverageValue(PUBLISHED, { x: 1, zbar: 0 })).toThrow('zbar');
    expect(() => expectedAverageValue(PUBLISHED, { x: -1, zbar: 3 })).toThrow('x: must be');
  });
});

describe('customerLifetimeValue', () => {
  const one = { x: 2, t_x: 30.43, T: 38.86, zbar: 22.35 };

  it('is expected purchases × expected value undiscounted, and less once discounted', () => {
    const res = customerLifetimeValue(BGNBD, PUBLISHED, one, { horizon: 52, period: 30 / 7, discountRate: 0.01 });
    const purchases = expectedPurchases(BGNBD, one, 52);
    const value = expectedAverageValue(PUBLISHED, one);
    expect(res.expectedPurchases).toBeCloseTo(purchases, 12);
    expect(res.expectedAverageValue).toBeCloseTo(value, 12);
    expect(res.undiscounted).toBeCloseTo(purchases * value, 10);
    expect(res.discounted).toBeLessThan(res.undiscounted);
    expect(res.discounted).toBeGreaterThan(res.undiscounted / Math.pow(1.01, 52 / (30 / 7)));
    expect(res.probabilityAlive).toBeCloseTo(probabilityAlive(BGNBD, one), 12);
    expect(res.discountedIfAlive).toBeCloseTo(res.discounted / res.probabilityAlive, 10);
  });

  it('discounts each period at its end, a partial last period by its fraction', () => {
    // Two periods of 10 and a partial one of 5.
    const res = customerLifetimeValue(BGNBD, PUBLISHED, one, { horizon: 25, period: 10, discountRate: 0.1, margin: 0.3 });
    const m = expectedAverageValue(PUBLISHED, one) * 0.3;
    const e = (t: number) => expectedPurchases(BGNBD, one, t);
    const want = (e(10) * m) / 1.1 + ((e(20) - e(10)) * m) / 1.1 ** 2 + ((e(25) - e(20)) * m) / 1.1 ** 2.5;
    expect(res.discounted).toBeCloseTo(want, 10);
    expect(res.undiscounted).toBeCloseTo(e(25) * m, 10);
    expect(customerLifetimeValue(BGNBD, PUBLISHED, one, { horizon: 25, period: 10, discountRate: 0 }).discounted).toBeCloseTo(e(25) * (m / 0.3), 10);
  });

  it('defaults to monthly periods of 30 units at 1 %, and is 0 over no time', () => {
    const days = { x: 2, t_x: 213, T: 272, zbar: 22.35 };
    const bgDays = { ...BGNBD, alpha: BGNBD.alpha * 7 };
    const res = customerLifetimeValue(bgDays, PUBLISHED, days, { horizon: 365 });
    expect(res).toEqual(customerLifetimeValue(bgDays, PUBLISHED, days, { horizon: 365, period: 30, discountRate: 0.01, margin: 1 }));
    expect(customerLifetimeValue(bgDays, PUBLISHED, days, { horizon: 0 })).toMatchObject({ expectedPurchases: 0, undiscounted: 0, discounted: 0 });
    // A customer without repeat purchases is valued at the population mean.
    expect(customerLifetimeValue(bgDays, PUBLISHED, { x: 0, t_x: 0, T: 10, zbar: 0 }, { horizon: 365 }).expectedAverageValue).toBeCloseTo(populationAverageValue(PUBLISHED), 12);
  });

  it('refuses invalid options', () => {
    expect(() => customerLifetimeValue(BGNBD, PUBLISHED, one, { horizon: -1 })).toThrow('horizon');
    expect(() => customerLifetimeValue(BGNBD, PUBLISHED, one, { horizon: 1, period: 0 })).toThrow('period');
    expect(() => customerLifetimeValue(BGNBD, PUBLISHED, one, { horizon: 1e9, period: 1 })).toThrow('at most');
    expect(() => customerLifetimeValue(BGNBD, PUBLISHED, one, { horizon: 1, discountRate: -0.1 })).toThrow('discountRate');
    expect(() => customerLifetimeValue(BGNBD, PUBLISHED, one, { horizon: 1, margin: NaN })).toThrow('margin');
  });
});

/** Reference log-gamma via Stirling with shift (independent of the implementation under test). */
function lgamma(x: number): number {
  let shift = 0;
  while (x < 20) {
    shift -= Math.log(x);
    x += 1;
  }
  return shift + (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3) + 1 / (1260 * x ** 5);
}
