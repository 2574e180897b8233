import { compileTree } from './compile';
import type { CustomerFacts } from './facts';
import type { ConditionContext } from './grammar';
import type { Compiled } from './node';

/** How many leaf changes a timer looks through for one that changes the whole tree. */
const MAX_STEPS = 100;

export type Timer = (facts: CustomerFacts, now: Date) => Date | undefined;

/**
 * The earliest instant strictly after `now` at which the tree's value can change with time alone
 * (no new facts), or undefined when it never will. Never later than the true change; exact unless
 * the tree has money conditions without a currency and no `ctx` is given (then it is the first
 * change of any clock-reading condition that can matter), or more than 100 leaf changes pass
 * without one changing the tree (then it is the last of them; ask again then). The compiled
 * tree is cached per tree object and base currency: treat trees as immutable.
 */
export function nextChangeAt(tree: unknown, facts: CustomerFacts, now: Date, ctx?: ConditionContext): Date | undefined {
  return cachedTimer(tree, ctx)(facts, now);
}

/** nextChangeAt compiled once, for callers that ask about many customers. */
export function compileTimer(tree: unknown, ctx?: ConditionContext): Timer {
  const root = compileTree(tree, ctx?.baseCurrency);
  return (facts, now) => {
    const at = timeOfChange(root, facts, now.getTime());
    return at === undefined ? undefined : new Date(at);
  };
}

const cache = new WeakMap<object, Map<string, Timer>>();
function cachedTimer(tree: unknown, ctx: ConditionContext | undefined): Timer {
  if (typeof tree !== 'object' || tree === null) return compileTimer(tree, ctx);
  const key = ctx?.baseCurrency ?? '';
  let byCurrency = cache.get(tree);
  if (!byCurrency) cache.set(tree, (byCurrency = new Map()));
  let timer = byCurrency.get(key);
  if (!timer) byCurrency.set(key, (timer = compileTimer(tree, ctx)));
  return timer;
}

/**
 * Steps from one leaf change to the next until the tree's value differs. Between two steps no
 * leaf changes, so neither does the tree.
 */
export function timeOfChange(root: Compiled, facts: CustomerFacts, now: number): number | undefined {
  const was = root.test(facts, now);
  let t = now;
  for (let step = 0; step < MAX_STEPS; step++) {
    const at = nextLeafChange(root, facts, t);
    if (at === undefined) return undefined;
    if (!root.known || root.test(facts, at) !== was) return at;
    t = at;
  }
  return t;
}

/**
 * The first instant after t at which a leaf that can still matter changes. A group with a member
 * that settles it (false in `all`, true in `any`) and never changes again never changes either.
 */
function nextLeafChange(n: Compiled, facts: CustomerFacts, t: number): number | undefined {
  if (!n.timed) return undefined;
  if (n.next) return n.next(facts, t);
  const members = n.members!;
  if (n.group === 'not') return nextLeafChange(members[0]!, facts, t);
  const settles = n.group === 'any';
  let best: number | undefined;
  for (const m of members) {
    const at = nextLeafChange(m, facts, t);
    if (at === undefined) {
      if (m.known && m.test(facts, t) === settles) return undefined;
    } else if (best === undefined || at < best) best = at;
  }
  return best;
}
