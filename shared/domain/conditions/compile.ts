import type { CustomerFacts } from './facts';
import { isAll, isAny, isNot, type Condition, type ConditionContext, type Leaf } from './grammar';
import { compileBehaviour, compileConsent, compileLabel, compileOrders, compilePrediction, compileRfm, compileSegment, compileTag } from './compile-metrics';
import { compileProfile } from './compile-profile';
import type { Compiled, Test } from './node';
import { parseCondition } from './validate';

export type Evaluator = (facts: CustomerFacts, now: Date) => boolean;

/**
 * Checks the tree (a ValidationError names each bad node) and compiles it once to closures:
 * evaluation does no parsing, no regex and, in the steady state, no allocation.
 */
export function compileCondition(tree: unknown, ctx: ConditionContext): Evaluator {
  const test = compileTree(tree, ctx.baseCurrency).test;
  return (facts, now) => test(facts, now.getTime());
}

/** The compiled node tree (the timers walk it). Without a base currency, money leaves without a currency are unknown. */
export function compileTree(tree: unknown, baseCurrency: string | undefined): Compiled {
  return compileNode(parseCondition(tree, baseCurrency === undefined ? {} : { baseCurrency }), baseCurrency);
}

function compileNode(n: Condition, cur: string | undefined): Compiled {
  if (isAll(n)) return group('all', n.all.map((c) => compileNode(c, cur)));
  if (isAny(n)) return group('any', n.any.map((c) => compileNode(c, cur)));
  if (isNot(n)) {
    const inner = compileNode(n.not, cur);
    const t = inner.test;
    return { test: (f, now) => !t(f, now), cost: inner.cost, timed: inner.timed, known: inner.known, group: 'not', members: [inner] };
  }
  return compileLeaf(n, cur);
}

function compileLeaf(n: Leaf, cur: string | undefined): Compiled {
  switch (n.kind) {
    case 'profile':
      return compileProfile(n);
    case 'consent':
      return compileConsent(n);
    case 'tag':
      return compileTag(n);
    case 'tier':
    case 'lifecycle':
      return compileLabel(n);
    case 'rfm':
      return compileRfm(n);
    case 'prediction':
      return compilePrediction(n, cur);
    case 'orders':
      return compileOrders(n, cur);
    case 'behaviour':
      return compileBehaviour(n);
    case 'segment':
      return compileSegment(n);
  }
}

/** all/any: members run cheapest first (they are pure, so the order does not change the result). */
function group(kind: 'all' | 'any', members: Compiled[]): Compiled {
  const sorted = members.map((m, i) => [m, i] as const).sort((a, b) => a[0].cost - b[0].cost || a[1] - b[1]).map(([m]) => m);
  const tests = sorted.map((m) => m.test);
  return {
    test: kind === 'all' ? every(tests) : some(tests),
    cost: sorted.reduce((s, m) => s + m.cost, 0),
    timed: sorted.some((m) => m.timed),
    known: sorted.every((m) => m.known),
    group: kind,
    members: sorted,
  };
}

function every(ts: Test[]): Test {
  const [a, b, c, d] = ts;
  switch (ts.length) {
    case 0:
      return () => true;
    case 1:
      return a!;
    case 2:
      return (f, n) => a!(f, n) && b!(f, n);
    case 3:
      return (f, n) => a!(f, n) && b!(f, n) && c!(f, n);
    case 4:
      return (f, n) => a!(f, n) && b!(f, n) && c!(f, n) && d!(f, n);
    default:
      return (f, n) => {
        for (let i = 0; i < ts.length; i++) if (!ts[i]!(f, n)) return false;
        return true;
      };
  }
}

function some(ts: Test[]): Test {
  const [a, b, c, d] = ts;
  switch (ts.length) {
    case 1:
      return a!;
    case 2:
      return (f, n) => a!(f, n) || b!(f, n);
    case 3:
      return (f, n) => a!(f, n) || b!(f, n) || c!(f, n);
    case 4:
      return (f, n) => a!(f, n) || b!(f, n) || c!(f, n) || d!(f, n);
    default:
      return (f, n) => {
        for (let i = 0; i < ts.length; i++) if (ts[i]!(f, n)) return true;
        return false;
      };
  }
}
