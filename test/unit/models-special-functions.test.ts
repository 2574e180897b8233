import { hyp2f1, lnBeta, lnGamma, logAddExp, sumSeries } from '../../shared/domain/models/special-functions';

/** Log-gamma, log-beta and 2F1 against closed forms. */
describe('lnGamma', () => {
  it('matches known values to about 1e-14 relative', () => {
    const cases: [number, number][] = [
      [1, 0],
      [2, 0],
      [0.5, 0.5 * Math.log(Math.PI)],
      [3, Math.log(2)],
      [10, Math.log(362880)],
      [100, 359.1342053695754],
      [171.5, 709.1431630309282],
      [1000.25, 5906.947268271117],
      [0.1, 2.2527126517342055],
      [1e-5, 11.512919692895824],
      [2.5, Math.log(1.329340388179137)],
    ];
    for (const [x, want] of cases) expect(Math.abs(lnGamma(x) - want)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(want)));
  });

  it('uses the reflection formula below ½, gives +Infinity at the poles and NaN for NaN', () => {
    // Γ(-0.5) = -2√π: ln|Γ| = ln(2√π)
    expect(lnGamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 13);
    expect(lnGamma(0)).toBe(Infinity);
    expect(lnGamma(-3)).toBe(Infinity);
    expect(lnGamma(Infinity)).toBe(Infinity);
    expect(lnGamma(NaN)).toBeNaN();
  });

  it('satisfies Γ(x + 1) = x Γ(x) across magnitudes', () => {
    for (const x of [0.013, 0.2426, 0.7929, 1.5, 4.4135, 37.2, 512.25, 1e4]) expect(lnGamma(x + 1) - lnGamma(x)).toBeCloseTo(Math.log(x), 10);
  });
});

describe('lnBeta', () => {
  it('matches exact values', () => {
    expect(lnBeta(1, 1)).toBeCloseTo(0, 14);
    expect(lnBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 14);
    expect(lnBeta(3, 50)).toBeCloseTo(Math.log(2 / (50 * 51 * 52)), 12); // the Stirling-difference branch
    expect(lnBeta(50, 3)).toBe(lnBeta(3, 50));
    expect(lnBeta(0.5, 0.5)).toBeCloseTo(Math.log(Math.PI), 14);
  });

  it('stays accurate for a small and a very large argument (B(a, b) ~ Γ(a) b^-a)', () => {
    const b = 1e9;
    const asymptotic = lnGamma(0.7929) - 0.7929 * Math.log(b) - (0.7929 * (0.7929 - 1)) / (2 * b);
    expect(lnBeta(0.7929, b)).toBeCloseTo(asymptotic, 9);
    // Both branches agree where they meet.
    expect(lnBeta(2.4, 9.999999)).toBeCloseTo(lnBeta(2.4, 10), 6);
    expect(lnBeta(2.4, 10)).toBeCloseTo(lnGamma(2.4) + lnGamma(10) - lnGamma(12.4), 12);
  });

  it('is NaN outside a, b > 0', () => {
    expect(lnBeta(0, 1)).toBeNaN();
    expect(lnBeta(1, -2)).toBeNaN();
    expect(lnBeta(NaN, 1)).toBeNaN();
  });
});

describe('hyp2f1', () => {
  const log1 = (z: number) => -Math.log1p(-z) / z; // 2F1(1, 1; 2; z)

  it('sums the series for 0 <= z < 1, also close to 1', () => {
    expect(hyp2f1(1, 1, 2, 0.5)).toBeCloseTo(2 * Math.log(2), 14);
    expect(hyp2f1(1, 1, 2, 0.99)).toBeCloseTo(log1(0.99), 12);
    expect(hyp2f1(1, 1, 2, 0.9999)).toBeCloseTo(log1(0.9999), 9);
    expect(hyp2f1(2.5, 1.3, 1.3, 0.7)).toBeCloseTo(Math.pow(0.3, -2.5), 11); // 2F1(a, b; b; z) = (1 - z)^-a
    const z = 0.6;
    expect(hyp2f1(0.5, 0.5, 1.5, z * z)).toBeCloseTo(Math.asin(z) / z, 14);
    expect(hyp2f1(3, 4, 5, 0)).toBe(1);
  });

  it('uses Pfaff for z < 0, without alternating cancellation', () => {
    expect(hyp2f1(1, 1, 2, -3)).toBeCloseTo(Math.log(4) / 3, 14);
    expect(hyp2f1(1, 1, 2, -1000)).toBeCloseTo(Math.log(1001) / 1000, 14);
    expect(hyp2f1(0.5, 0.5, 1.5, -0.25)).toBeCloseTo(Math.asinh(0.5) / 0.5, 14);
  });

  it('evaluates terminating series exactly for any z, and Gauss sum at z = 1', () => {
    const b = 1.7;
    const c = 2.2;
    for (const z of [-5, 0.3, 1, 3]) expect(hyp2f1(-2, b, c, z)).toBeCloseTo(1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)), 12);
    expect(hyp2f1(1, 1, 3, 1)).toBeCloseTo(2, 13);
    expect(hyp2f1(0.5, 0.25, 2, 1)).toBeCloseTo(Math.exp(lnGamma(2) + lnGamma(1.25) - lnGamma(1.5) - lnGamma(1.75)), 13);
  });

  it('refuses what it does not define or cannot sum', () => {
    expect(() => hyp2f1(1, 1, 0, 0.5)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, -2, 0.5)).toThrow('undefined for c = -2');
    expect(() => hyp2f1(1, 1, 2, 1.5)).toThrow('z <= 1');
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow('diverges');
    expect(() => hyp2f1(1, 1, 2, 0.999999, { maxTerms: 100 })).toThrow('did not converge in 100 terms');
    expect(hyp2f1(NaN, 1, 2, 0.5)).toBeNaN();
  });
});

describe('sumSeries and logAddExp', () => {
  it('sums a geometric series to the tolerance and stops at a zero ratio', () => {
    expect(sumSeries(1, () => 0.5, 0.5)).toBeCloseTo(2, 14);
    expect(sumSeries(1, (n) => (n < 2 ? 1 : 0), 0)).toBe(3);
    expect(() => sumSeries(1, () => 2, 2, { maxTerms: 2000 })).toThrow(RangeError);
  });

  it('adds in log space without overflow', () => {
    expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 15);
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logAddExp(-Infinity, 4)).toBe(4);
    expect(logAddExp(4, -Infinity)).toBe(4);
  });
});
