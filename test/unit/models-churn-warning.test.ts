import { ValidationError } from '../../shared/domain/errors';
import { EMPTY_AGGREGATES } from '../../shared/domain/orders';
import * as models from '../../shared/domain/models';
import { churnWarning, DEFAULT_MIN_CHURN_RISK } from '../../shared/domain/models/churn-warning';

/** The valuable-customer-at-risk rule, and the models chained from stored aggregates to a warning. */
describe('churnWarning', () => {
  it('warns only when the customer is both valuable and at risk', () => {
    const t = { minChurnRisk: 0.6, minPredictedValue: 100, minSpentMinor: 50_000 };
    expect(churnWarning({ churnRisk: 0.7, predictedValue: 150 }, t)).toEqual({ warn: true, valuable: true, atRisk: true, reasons: ['churn risk 0.7 >= 0.6', 'predicted value 150 >= 100'] });
    expect(churnWarning({ churnRisk: 0.7, spentMinor: 50_000 }, t)).toMatchObject({ warn: true, reasons: ['churn risk 0.7 >= 0.6', 'spend 50000 >= 50000'] });
    expect(churnWarning({ churnRisk: 0.59, predictedValue: 1e6, spentMinor: 1e9 }, t)).toMatchObject({ warn: false, valuable: true, atRisk: false });
    expect(churnWarning({ churnRisk: 0.99, predictedValue: 99.99, spentMinor: 49_999 }, t)).toMatchObject({ warn: false, valuable: false, atRisk: true });
    expect(churnWarning({ churnRisk: 0.99 }, t)).toMatchObject({ warn: false, valuable: false });
  });

  it('defaults the churn risk threshold to ½', () => {
    expect(DEFAULT_MIN_CHURN_RISK).toBe(0.5);
    expect(churnWarning({ churnRisk: 0.5, spentMinor: 10 }, { minSpentMinor: 10 }).warn).toBe(true);
    expect(churnWarning({ churnRisk: 0.4999, spentMinor: 10 }, { minSpentMinor: 10 }).warn).toBe(false);
  });

  it('refuses thresholds that cannot tell value or risk, and invalid inputs', () => {
    expect(() => churnWarning({ churnRisk: 0.5 }, {})).toThrow('thresholds: needs minPredictedValue or minSpentMinor');
    expect(() => churnWarning({ churnRisk: 0.5 }, { minChurnRisk: 1.5, minSpentMinor: 1 })).toThrow('minChurnRisk');
    expect(() => churnWarning({ churnRisk: 0.5 }, { minPredictedValue: -1 })).toThrow('minPredictedValue');
    expect(() => churnWarning({ churnRisk: NaN }, { minSpentMinor: 1 })).toThrow(ValidationError);
    expect(() => churnWarning({ churnRisk: 0.2, predictedValue: Infinity }, { minSpentMinor: 1 })).toThrow('predictedValue');
  });
});

describe('the models chained from stored aggregates', () => {
  it('turns a lapsed big spender into a warning and a steady buyer into none', () => {
    const bg = models.rescaleBgNbd({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, 7); // days
    const gg = models.rescaleGammaGamma({ p: 6.25, q: 3.74, v: 15.45 }, 100); // cents
    const now = '2024-06-30T00:00:00Z';
    const judge = (days: Record<string, number>, spentMinor: number) => {
      const agg = { ...EMPTY_AGGREGATES, orderCount: Object.values(days).reduce((s, n) => s + n, 0), spentMinor: { USD: spentMinor }, days, firstOrderAt: `${Object.keys(days).sort()[0]}T12:00:00Z`, lastOrderAt: `${Object.keys(days).sort().pop()}T12:00:00Z` };
      const h = models.purchaseHistoryFromAggregates(agg, now, { currency: 'USD' })!;
      const value = models.customerLifetimeValue(bg, gg, { ...h, zbar: h.zbar! }, { horizon: 365 });
      return models.churnWarning({ churnRisk: models.churnRisk(bg, h), predictedValue: value.discountedIfAlive, spentMinor }, { minChurnRisk: 0.5, minSpentMinor: 50_000 });
    };
    // Ten weekly purchases in early 2024, then silence for four months.
    const lapsed = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [new Date(Date.parse('2024-01-01') + i * 7 * 86_400_000).toISOString().slice(0, 10), 1]));
    expect(judge(lapsed, 80_000)).toMatchObject({ warn: true, valuable: true, atRisk: true });
    // The same rhythm up to last week.
    const steady = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [new Date(Date.parse('2024-04-28') + i * 7 * 86_400_000).toISOString().slice(0, 10), 1]));
    expect(judge(steady, 80_000)).toMatchObject({ warn: false, valuable: true, atRisk: false });
  });

  it('exports every model from the folder index', () => {
    for (const name of ['lnGamma', 'lnBeta', 'hyp2f1', 'nelderMead', 'fitBgNbd', 'probabilityAlive', 'expectedPurchases', 'expectedNextOrderAt', 'fitGammaGamma', 'customerLifetimeValue', 'purchaseHistory', 'rfmScores', 'scoreWithCuts', 'evaluateTier', 'tierChange', 'lifecycleStage', 'nextLifecycleChangeAt', 'churnWarning'] as const) {
      expect(typeof (models as Record<string, unknown>)[name]).toBe('function');
    }
    expect(models.DAY_MS).toBe(86_400_000);
  });
});
