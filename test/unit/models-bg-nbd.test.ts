import { cdnowSummary, parseCdnow, type SummaryOrder } from '../../shared/domain/cdnow';
import { ValidationError } from '../../shared/domain/errors';
import { toMinor } from '../../shared/domain/money';
import {
  bgnbdCustomerLogLikelihood,
  bgnbdLogLikelihood,
  churnRisk,
  expectedNextOrderAt,
  expectedPurchases,
  expectedPurchasesIfAlive,
  expectedPurchasesNew,
  fitBgNbd,
  nextPurchaseTime,
  probabilityAlive,
  purchaseProbabilityIfAlive,
  rescaleBgNbd,
  type BgNbdParams,
} from '../../shared/domain/models/bg-nbd';
import { hyp2f1 } from '../../shared/domain/models/special-functions';
import { readShared } from '../support/shared-data';

/**
 * BG/NBD on the real CDNOW log: the summary rebuilt by cdnowSummary from the raw transactions
 * (weeks), fitted by maximum likelihood, must land on Fader, Hardie & Lee's published estimates.
 */
const orders: SummaryOrder[] = parseCdnow(readShared('data', 'cdnow', 'CDNOW_sample.txt')).map((e) => ({
  placedAt: e.data.placedAt as string,
  totalMinor: toMinor(e.data.total as string, 'USD'),
  currency: 'USD',
  identity: { platformCustomerId: e.data.customer?.id },
}));
const summary = cdnowSummary(orders);
const rows = [...summary.values()];
const PUBLISHED: BgNbdParams = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
const relErr = (ours: number, theirs: number) => Math.abs(ours / theirs - 1);

/** FHL 2005 eq. 10 as printed, with the plain 2F1 series: the reference for the stable form. */
function naiveExpected(p: BgNbdParams, x: number, tx: number, T: number, t: number): number {
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  const num = ((a + b + x - 1) / (a - 1)) * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z));
  return num / (1 + (x > 0 ? (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x) : 0));
}

describe('fitBgNbd on CDNOW', () => {
  it('reproduces the published r, alpha, a, b within 1 % and the log-likelihood -9582.4', () => {
    expect(rows).toHaveLength(2357);
    const t0 = performance.now();
    const fit = fitBgNbd(rows);
    const ms = performance.now() - t0;
    expect(relErr(fit.r, PUBLISHED.r)).toBeLessThan(0.01);
    expect(relErr(fit.alpha, PUBLISHED.alpha)).toBeLessThan(0.01);
    expect(relErr(fit.a, PUBLISHED.a)).toBeLessThan(0.01);
    expect(relErr(fit.b, PUBLISHED.b)).toBeLessThan(0.01);
    expect(fit.logLikelihood).toBeCloseTo(-9582.43, 1);
    expect(fit).toMatchObject({ converged: true, customers: 2357 });
    expect(fit.iterations).toBeGreaterThan(0);
    expect(ms).toBeLessThan(5000);
  });

  it('is time-unit agnostic: the same rows in days give alpha × 7 and the same r, a, b', () => {
    const fit = fitBgNbd(rows.map((r) => ({ x: r.x, t_x: r.t_x * 7, T: r.T * 7 })));
    expect(relErr(fit.alpha, PUBLISHED.alpha * 7)).toBeLessThan(0.01);
    expect(relErr(fit.r, PUBLISHED.r)).toBeLessThan(0.01);
    expect(relErr(fit.a, PUBLISHED.a)).toBeLessThan(0.01);
    expect(relErr(fit.b, PUBLISHED.b)).toBeLessThan(0.01);
    // ln L shifts by -Σx ln 7 when time is stretched by 7.
    const sumX = rows.reduce((s, r) => s + r.x, 0);
    expect(fit.logLikelihood).toBeCloseTo(-9582.43 - sumX * Math.log(7), 0);
  });

  it('fits the calibration period: Σ E[X(T_i)] is within 2 % of the 2,457 repeat purchases seen', () => {
    const seen = rows.reduce((s, r) => s + r.x, 0);
    expect(seen).toBe(2457);
    const expected = rows.reduce((s, r) => s + expectedPurchasesNew(PUBLISHED, r.T), 0);
    expect(relErr(expected, seen)).toBeLessThan(0.02);
  });

  it('refuses empty data, data without repeat purchases and invalid rows', () => {
    expect(() => fitBgNbd([])).toThrow(ValidationError);
    expect(() => fitBgNbd([{ x: 0, t_x: 0, T: 5 }])).toThrow('repeat purchase');
    expect(() => fitBgNbd([{ x: 1.5, t_x: 1, T: 5 }])).toThrow('rows[0].x');
    expect(() => fitBgNbd([{ x: 1, t_x: 6, T: 5 }])).toThrow('rows[0].T');
    expect(() => fitBgNbd([{ x: 0, t_x: 1, T: 5 }])).toThrow('must be 0 when there are no repeat purchases');
    expect(() => fitBgNbd([{ x: 1, t_x: -1, T: 5 }])).toThrow('rows[0].t_x');
    expect(() => fitBgNbd([{ x: 1, t_x: 1, T: 5 }], { initial: { r: 0, alpha: 1, a: 1, b: 1 } })).toThrow('r: must be a positive');
  });
});

describe('bgnbdLogLikelihood', () => {
  it('is the sum of the customer terms, -9582.4 at the published parameters', () => {
    const total = bgnbdLogLikelihood(PUBLISHED, rows);
    expect(total).toBeCloseTo(-9582.43, 1);
    expect(rows.reduce((s, r) => s + bgnbdCustomerLogLikelihood(PUBLISHED, r), 0)).toBeCloseTo(total, 6);
  });

  it('gives a customer without repeat purchases ln[Γ-ratio α^r B(a, b)/B(a, b) (α+T)^-r] = r ln(α/(α+T))', () => {
    expect(bgnbdCustomerLogLikelihood(PUBLISHED, { x: 0, t_x: 0, T: 30 })).toBeCloseTo(PUBLISHED.r * Math.log(PUBLISHED.alpha / (PUBLISHED.alpha + 30)), 12);
  });
});

describe('per-customer predictions', () => {
  const one = { x: 2, t_x: 30.43, T: 38.86 }; // FHL 2005's worked example

  it('expects 1.226 purchases in the next 39 weeks for x = 2, t_x = 30.43, T = 38.86 (FHL 2005)', () => {
    expect(expectedPurchases(PUBLISHED, one, 39)).toBeCloseTo(1.226, 3);
  });

  it('matches eq. 10 with the plain 2F1 for many histories, and is continuous through a = 1', () => {
    for (const [x, tx, T, t] of [
      [0, 0, 38.86, 39],
      [1, 2, 10, 52],
      [2, 30.43, 38.86, 39],
      [7, 20, 35, 5],
      [15, 36, 38, 104],
    ] as const) {
      expect(relErr(expectedPurchases(PUBLISHED, { x, t_x: tx, T }, t), naiveExpected(PUBLISHED, x, tx, T, t))).toBeLessThan(1e-10);
      const above = { ...PUBLISHED, a: 1.7 };
      expect(relErr(expectedPurchases(above, { x, t_x: tx, T }, t), naiveExpected(above, x, tx, T, t))).toBeLessThan(1e-10);
    }
    const at1 = expectedPurchases({ ...PUBLISHED, a: 1 }, one, 39);
    expect(at1).toBeGreaterThan(0);
    expect(relErr(expectedPurchases({ ...PUBLISHED, a: 1 + 1e-7 }, one, 39), at1)).toBeLessThan(1e-6);
    expect(relErr(expectedPurchases({ ...PUBLISHED, a: 1 - 1e-7 }, one, 39), at1)).toBeLessThan(1e-6);
  });

  it('is 0 for t = 0, grows with t, and stays finite for heavy buyers and long horizons', () => {
    expect(expectedPurchases(PUBLISHED, one, 0)).toBe(0);
    let prev = 0;
    for (const t of [1, 5, 20, 39, 100, 520, 5200]) {
      const e = expectedPurchases(PUBLISHED, one, t);
      expect(e).toBeGreaterThan(prev);
      prev = e;
    }
    const heavy = expectedPurchases(PUBLISHED, { x: 300, t_x: 38, T: 38.5 }, 52);
    expect(Number.isFinite(heavy)).toBe(true);
    expect(heavy).toBeGreaterThan(100);
    expect(() => expectedPurchases(PUBLISHED, one, -1)).toThrow('t: must be a non-negative');
    expect(() => expectedPurchases(PUBLISHED, one, Infinity)).toThrow(ValidationError);
  });

  it('gives P(alive) = 1 without repeat purchases, and churn risk as its complement', () => {
    expect(probabilityAlive(PUBLISHED, { x: 0, t_x: 0, T: 50 })).toBe(1);
    expect(churnRisk(PUBLISHED, { x: 0, t_x: 0, T: 50 })).toBe(0);
    const p = probabilityAlive(PUBLISHED, one);
    expect(p).toBeCloseTo(1 / (1 + (0.7929 / (2.4258 + 1)) * Math.pow((4.4135 + 38.86) / (4.4135 + 30.43), 2.2426)), 12);
    expect(p + churnRisk(PUBLISHED, one)).toBeCloseTo(1, 14);
    // The longer the silence since the last purchase, the likelier the customer has gone.
    expect(probabilityAlive(PUBLISHED, { x: 5, t_x: 10, T: 38 })).toBeLessThan(probabilityAlive(PUBLISHED, { x: 5, t_x: 35, T: 38 }));
    expect(churnRisk(PUBLISHED, { x: 40, t_x: 1, T: 300 })).toBeGreaterThan(0.999);
  });

  it('relates E[Y(t)] and E[Y(t) | alive] by P(alive)', () => {
    expect(expectedPurchases(PUBLISHED, one, 39)).toBeCloseTo(probabilityAlive(PUBLISHED, one) * expectedPurchasesIfAlive(PUBLISHED, one, 39), 12);
    expect(expectedPurchasesNew(PUBLISHED, 39)).toBeCloseTo(naiveExpected(PUBLISHED, 0, 0, 0, 39), 12);
  });

  it('times the next purchase given alive: P(within the q-quantile) = q', () => {
    for (const q of [0.1, 0.5, 0.9]) {
      const t = nextPurchaseTime(PUBLISHED, one, q);
      expect(purchaseProbabilityIfAlive(PUBLISHED, one, t)).toBeCloseTo(q, 12);
    }
    expect(nextPurchaseTime(PUBLISHED, one)).toBeCloseTo((4.4135 + 38.86) * (Math.pow(2, 1 / 2.2426) - 1), 10);
    expect(purchaseProbabilityIfAlive(PUBLISHED, one, 0)).toBe(0);
    expect(() => nextPurchaseTime(PUBLISHED, one, 1)).toThrow('quantile');
  });

  it('gives the expected next order instant in any unit, undefined beyond the calendar', () => {
    const days = rescaleBgNbd(PUBLISHED, 7);
    const inDays = { x: 2, t_x: 213, T: 272 };
    const median = nextPurchaseTime(days, inDays);
    expect(median).toBeCloseTo(nextPurchaseTime(PUBLISHED, one) * 7, 0);
    expect(expectedNextOrderAt(days, inDays, '2024-01-01T00:00:00.000Z')).toBe(new Date(Date.parse('2024-01-01T00:00:00.000Z') + Math.round(median * 86_400_000)).toISOString());
    const weeks = expectedNextOrderAt(PUBLISHED, one, '2024-01-01T00:00:00.000Z', { unitMs: 7 * 86_400_000, quantile: 0.25 });
    expect(Date.parse(weeks!)).toBeCloseTo(Date.parse('2024-01-01T00:00:00.000Z') + nextPurchaseTime(PUBLISHED, one, 0.25) * 7 * 86_400_000, -1);
    expect(expectedNextOrderAt({ ...PUBLISHED, r: 0.001 }, { x: 0, t_x: 0, T: 1000 }, '2024-01-01T00:00:00Z')).toBeUndefined();
    expect(() => expectedNextOrderAt(PUBLISHED, one, 'yesterday')).toThrow('now');
    expect(() => expectedNextOrderAt(PUBLISHED, one, '2024-01-01T00:00:00Z', { unitMs: 0 })).toThrow('unitMs');
  });

  it('predicts the same in days with rescaled parameters', () => {
    const days = rescaleBgNbd(PUBLISHED, 7);
    const inDays = { x: one.x, t_x: one.t_x * 7, T: one.T * 7 };
    expect(probabilityAlive(days, inDays)).toBeCloseTo(probabilityAlive(PUBLISHED, one), 12);
    expect(expectedPurchases(days, inDays, 39 * 7)).toBeCloseTo(expectedPurchases(PUBLISHED, one, 39), 10);
    expect(() => rescaleBgNbd(PUBLISHED, 0)).toThrow('factor');
  });

  it('refuses invalid parameters', () => {
    expect(() => probabilityAlive({ ...PUBLISHED, b: -1 }, one)).toThrow('b: must be a positive');
    expect(() => expectedPurchases({ ...PUBLISHED, alpha: NaN }, one, 1)).toThrow('alpha');
    expect(() => churnRisk(PUBLISHED, { x: -1, t_x: 0, T: 1 })).toThrow('row.x');
  });
});
