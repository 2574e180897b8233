/**
 * Derivative-free minimisation: Nelder–Mead with the dimension-adaptive coefficients of Gao & Han
 * (2012) and restarts, plus a wrapper that searches positive parameters on the log scale. Pure.
 */

// Local bindings: global lookups are slow inside vm contexts (jest), and these run in the fit loops.
const { abs, exp, log, max } = Math;
const { isFinite: finite } = Number;
const INF = Number.POSITIVE_INFINITY;

export interface NelderMeadOptions {
  /** Initial simplex step per coordinate (default 0.5: on log parameters, a factor of about 1.65). */
  step?: number | readonly number[];
  /** Iterations per run (default 400 × dimension). */
  maxIterations?: number;
  /** A run has converged when every vertex is within this of the best one, per coordinate (default 1e-9)… */
  xTolerance?: number;
  /** …and every vertex value is within this of the best value (default 1e-11). */
  fTolerance?: number;
  /**
   * Further runs from the best point with a fresh simplex (default 8). Stops early once a run
   * improves the value by less than fTolerance: a collapsed or stuck simplex is rebuilt, so a
   * false convergence on a flat ridge is not reported as the minimum.
   */
  restarts?: number;
}

export interface NelderMeadResult {
  x: number[];
  value: number;
  /** Iterations over all runs. */
  iterations: number;
  evaluations: number;
  /** Runs after the first. */
  restarts: number;
  /** The last run met both tolerances (not only its iteration cap) and a restart found nothing better. */
  converged: boolean;
}

interface Vertex {
  x: number[];
  f: number;
}

/** Minimises f from x0. Non-finite values of f count as +Infinity, so the search steps away from them. */
export function nelderMead(f: (x: readonly number[]) => number, x0: readonly number[], opts: NelderMeadOptions = {}): NelderMeadResult {
  const n = x0.length;
  if (n === 0) throw new RangeError('nelderMead needs at least one parameter');
  if (x0.some((v) => !finite(v))) throw new RangeError('nelderMead needs a finite starting point');
  const steps = typeof opts.step === 'number' || opts.step === undefined ? Array.from({ length: n }, () => (opts.step as number | undefined) ?? 0.5) : [...opts.step];
  if (steps.length !== n || steps.some((s) => !(abs(s) > 0))) throw new RangeError('step must be non-zero for every coordinate');
  const maxIterations = opts.maxIterations ?? 400 * n;
  const xTol = opts.xTolerance ?? 1e-9;
  const fTol = opts.fTolerance ?? 1e-11;
  const maxRestarts = opts.restarts ?? 8;

  let evaluations = 0;
  const evaluate = (x: number[]): Vertex => {
    evaluations++;
    const v = f(x);
    return { x, f: finite(v) ? v : INF };
  };
  // Gao & Han adaptive coefficients (reduce to 1, 2, ½, ½ in two dimensions).
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;

  const run = (start: number[]): { best: Vertex; iterations: number; converged: boolean } => {
    const simplex: Vertex[] = [evaluate([...start])];
    for (let i = 0; i < n; i++) {
      const x = [...start];
      x[i] = x[i]! + steps[i]!;
      simplex.push(evaluate(x));
    }
    let iterations = 0;
    let converged = false;
    while (iterations < maxIterations) {
      simplex.sort((p, q) => p.f - q.f);
      const best = simplex[0]!;
      const worst = simplex[n]!;
      const fSpread = max(...simplex.map((v) => abs(v.f - best.f)));
      const xSpread = max(...simplex.slice(1).map((v) => max(...v.x.map((c, i) => abs(c - best.x[i]!)))));
      if (finite(best.f) && fSpread <= fTol && xSpread <= xTol) {
        converged = true;
        break;
      }
      iterations++;
      const centroid = Array.from({ length: n }, (_, i) => simplex.slice(0, n).reduce((s, v) => s + v.x[i]!, 0) / n);
      const along = (t: number) => centroid.map((c, i) => c + t * (c - worst.x[i]!));
      const reflected = evaluate(along(alpha));
      if (reflected.f < best.f) {
        const expanded = evaluate(along(alpha * beta));
        simplex[n] = expanded.f < reflected.f ? expanded : reflected;
        continue;
      }
      if (reflected.f < simplex[n - 1]!.f) {
        simplex[n] = reflected;
        continue;
      }
      const outside = reflected.f < worst.f;
      const contracted = evaluate(along(outside ? alpha * gamma : -gamma));
      if (contracted.f < (outside ? reflected.f : worst.f)) {
        simplex[n] = contracted;
        continue;
      }
      // Shrink towards the best vertex.
      for (let k = 1; k <= n; k++) simplex[k] = evaluate(simplex[k]!.x.map((c, i) => best.x[i]! + delta * (c - best.x[i]!)));
    }
    simplex.sort((p, q) => p.f - q.f);
    return { best: simplex[0]!, iterations, converged };
  };

  let result = run([...x0]);
  let iterations = result.iterations;
  let restarts = 0;
  let converged = result.converged && maxRestarts === 0;
  while (restarts < maxRestarts) {
    const again = run(result.best.x);
    restarts++;
    iterations += again.iterations;
    const improvement = result.best.f - again.best.f;
    if (again.best.f <= result.best.f) result = again;
    if (again.converged && !(improvement > fTol * (1 + abs(result.best.f)))) {
      converged = true;
      break;
    }
  }
  return { x: result.best.x, value: result.best.f, iterations, evaluations, restarts, converged };
}

/**
 * Minimises f over strictly positive parameters by searching their logarithms (no bounds to
 * enforce, and steps are relative: right for rates and shape parameters spanning magnitudes).
 */
export function minimizePositive(f: (params: readonly number[]) => number, initial: readonly number[], opts: NelderMeadOptions = {}): NelderMeadResult {
  if (initial.some((v) => !(v > 0) || !finite(v))) throw new RangeError('initial parameters must be positive and finite');
  const res = nelderMead((logs) => f(logs.map(exp)), initial.map(log), opts);
  return { ...res, x: res.x.map(exp) };
}
