import { decideWinner, metricValue, type VariantOutcome } from '../../shared/domain/campaigns/ab-decision';
import { erfc, incompleteBeta, normalCdf, studentTTwoSided, twoProportionZTest, varianceOf, welchTTest } from '../../shared/domain/campaigns/significance';

/** Known values from SciPy 1.17 (scipy.stats.norm, scipy.stats.t, ttest_ind(equal_var=False)). */
describe('distributions', () => {
  test.each([
    [1.96, 0.9750021048517795],
    [-1, 0.15865525393145707],
    [3, 0.9986501019683699],
    [0, 0.5],
  ])('Φ(%p) = %p', (z, p) => {
    expect(normalCdf(z)).toBeCloseTo(p, 12);
  });

  test('erfc(0.5) and its symmetry', () => {
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 13);
    expect(erfc(-0.5)).toBeCloseTo(2 - 0.4795001221869535, 13);
  });

  test.each([
    [2, 10, 0.07338803477074037],
    [2.5, 4.3, 0.06244807463621133],
    [1, 1, 0.5],
  ])('two-sided Student t p(t=%p, df=%p) = %p', (t, df, p) => {
    expect(studentTTwoSided(t, df)).toBeCloseTo(p, 10);
  });

  test('the incomplete beta at its ends and a symmetric point', () => {
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
    expect(incompleteBeta(0.5, 4, 4)).toBeCloseTo(0.5, 12);
  });
});

describe('two-proportion z-test', () => {
  test('200/1000 against 150/1000: z = 2.9424, p = 0.003256', () => {
    const r = twoProportionZTest(200, 1000, 150, 1000);
    expect(r.statistic).toBeCloseTo(2.9424494316825, 9);
    expect(r.pValue).toBeCloseTo(0.0032562696284120576, 10);
  });
  test('52/400 against 40/400 is not significant at 95 %', () => {
    const r = twoProportionZTest(52, 400, 40, 400);
    expect(r.statistic).toBeCloseTo(1.329889928457548, 9);
    expect(r.pValue).toBeCloseTo(0.18355454026437235, 10);
  });
  test('no information is p = 1', () => {
    expect(twoProportionZTest(0, 0, 3, 10).pValue).toBe(1);
    expect(twoProportionZTest(0, 10, 0, 10).pValue).toBe(1);
  });
});

describe("Welch's t-test", () => {
  test('revenue per recipient: 10 of 100 spent 50.00 against 5 of 100 spent 40.00', () => {
    const r = welchTTest({ n: 100, sum: 50_000, sumSq: 250_000_000 }, { n: 100, sum: 20_000, sumSq: 80_000_000 });
    expect(r.statistic).toBeCloseTo(1.7205036734530526, 9);
    expect(r.pValue).toBeCloseTo(0.0872859786617717, 9);
  });
  test('sample variance from the moments', () => {
    // 1, 2, 3, 4: variance 1.6667
    expect(varianceOf({ n: 4, sum: 10, sumSq: 30 })).toBeCloseTo(5 / 3, 12);
    expect(varianceOf({ n: 1, sum: 3, sumSq: 9 })).toBe(0);
  });
  test('groups too small to test are p = 1', () => {
    expect(welchTTest({ n: 1, sum: 5, sumSq: 25 }, { n: 10, sum: 0, sumSq: 0 }).pValue).toBe(1);
  });
});

const outcome = (variant: string, sent: number, opened: number, clicked = 0, converted = 0, sum = 0, sumSq = 0): VariantOutcome => ({ variant, sent, opened, clicked, converted, revenue: { sum, sumSq } });

describe('picking the winner', () => {
  const test95 = { metric: 'open-rate' as const, confidence: 0.95, fallback: 'best-estimate' as const };

  test('a significant open-rate winner', () => {
    const d = decideWinner(test95, [outcome('A', 1000, 150), outcome('B', 1000, 200)], '2026-01-01T00:00:00.000Z');
    expect(d).toMatchObject({ winner: 'B', significant: true, basis: 'significant', test: 'two-proportion-z', alpha: 0.05 });
    const a = d.variants.find((v) => v.variant === 'A')!;
    expect(a.pValue).toBeCloseTo(0.0032562696284120576, 10);
    expect(a.value).toBeCloseTo(0.15, 12);
  });

  test('not significant: the best point estimate, or the default variant', () => {
    const outs = [outcome('A', 400, 40), outcome('B', 400, 52)];
    expect(decideWinner(test95, outs, 'x')).toMatchObject({ winner: 'B', significant: false, basis: 'best-estimate' });
    expect(decideWinner({ ...test95, fallback: 'default-variant', defaultVariant: 'A' }, outs, 'x')).toMatchObject({ winner: 'A', significant: false, basis: 'default-variant' });
  });

  test('three variants: Bonferroni halves the level, so p = 0.0327 is not enough', () => {
    // B vs A: 0.20 vs 0.17 of 1000 → p ≈ 0.0857; B vs C clearly significant
    const d = decideWinner(test95, [outcome('A', 1000, 170), outcome('B', 1000, 200), outcome('C', 1000, 100)], 'x');
    expect(d.alpha).toBeCloseTo(0.025, 12);
    expect(d.significant).toBe(false);
    const strong = decideWinner(test95, [outcome('A', 2000, 300), outcome('B', 2000, 400), outcome('C', 2000, 200)], 'x');
    expect(strong).toMatchObject({ winner: 'B', significant: true });
  });

  test('ties go to the earlier variant and are never significant', () => {
    expect(decideWinner(test95, [outcome('A', 500, 50), outcome('B', 500, 50)], 'x')).toMatchObject({ winner: 'A', significant: false });
  });

  test('click rate, conversion rate and revenue per recipient read their own counters', () => {
    const o = outcome('A', 200, 80, 30, 10, 12_000, 20_000_000);
    expect(metricValue('click-rate', o)).toBeCloseTo(0.15, 12);
    expect(metricValue('conversion-rate', o)).toBeCloseTo(0.05, 12);
    expect(metricValue('revenue-per-recipient', o)).toBeCloseTo(60, 12);
    const d = decideWinner({ metric: 'revenue-per-recipient', confidence: 0.9, fallback: 'best-estimate' }, [outcome('A', 100, 0, 0, 10, 50_000, 250_000_000), outcome('B', 100, 0, 0, 5, 20_000, 80_000_000)], 'x');
    // p = 0.0873 < 0.10
    expect(d).toMatchObject({ winner: 'A', significant: true, test: 'welch-t' });
    expect(d.variants[1]!.pValue).toBeCloseTo(0.0872859786617717, 9);
  });
});
