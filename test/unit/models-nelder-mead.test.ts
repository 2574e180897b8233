import { minimizePositive, nelderMead } from '../../shared/domain/models/nelder-mead';

/** Nelder–Mead with restarts on textbook functions. */
describe('nelderMead', () => {
  it('finds the Rosenbrock minimum from the classic start', () => {
    const rosen = ([x, y]: readonly number[]) => 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2;
    const res = nelderMead(rosen, [-1.2, 1]);
    expect(res.converged).toBe(true);
    expect(res.x[0]).toBeCloseTo(1, 6);
    expect(res.x[1]).toBeCloseTo(1, 6);
    expect(res.value).toBeLessThan(1e-12);
    expect(res.iterations).toBeGreaterThan(50);
    expect(res.evaluations).toBeGreaterThan(res.iterations);
  });

  it('handles badly scaled four-dimensional problems and reports its restarts', () => {
    const target = [3, -2, 0.5, 10];
    const scale = [1, 100, 0.01, 5];
    const f = (x: readonly number[]) => x.reduce((s, v, i) => s + scale[i]! * (v - target[i]!) ** 2, 0);
    const res = nelderMead(f, [0, 0, 0, 0]);
    res.x.forEach((v, i) => expect(v).toBeCloseTo(target[i]!, 4));
    expect(res.restarts).toBeGreaterThanOrEqual(1);
    expect(res.converged).toBe(true);
  });

  it('steps away from points where the function is not finite', () => {
    const f = ([x]: readonly number[]) => (x! < 0 ? NaN : x! > 50 ? Infinity : (x! - 2) ** 2);
    const res = nelderMead(f, [0.1], { step: 1 });
    expect(res.x[0]).toBeCloseTo(2, 6);
  });

  it('honours the iteration cap and restarts = 0 (then reports not converged)', () => {
    const rosen = ([x, y]: readonly number[]) => 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2;
    const res = nelderMead(rosen, [-1.2, 1], { maxIterations: 5, restarts: 0 });
    expect(res.iterations).toBe(5);
    expect(res.restarts).toBe(0);
    expect(res.converged).toBe(false);
  });

  it('refuses an empty or non-finite start and a zero step', () => {
    expect(() => nelderMead(() => 0, [])).toThrow(RangeError);
    expect(() => nelderMead(() => 0, [NaN])).toThrow('finite starting point');
    expect(() => nelderMead(() => 0, [1, 2], { step: [1, 0] })).toThrow('step');
    expect(() => nelderMead(() => 0, [1, 2], { step: [1] })).toThrow('step');
  });
});

describe('minimizePositive', () => {
  it('searches positive parameters on the log scale, across magnitudes', () => {
    const f = ([a, b]: readonly number[]) => Math.log(a! / 3) ** 2 + Math.log(b! / 0.0004) ** 2;
    const res = minimizePositive(f, [1, 1]);
    expect(res.x[0]).toBeCloseTo(3, 6);
    expect(res.x[1]! / 0.0004).toBeCloseTo(1, 6);
    expect(res.x.every((v) => v > 0)).toBe(true);
  });

  it('refuses a non-positive start', () => {
    expect(() => minimizePositive(() => 0, [1, 0])).toThrow('positive');
    expect(() => minimizePositive(() => 0, [Infinity])).toThrow('positive');
  });
});
