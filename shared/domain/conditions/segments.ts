import { isAll, isAny, isNot, type Condition } from './grammar';

/** The ids of the segments a tree refers to (`segment` leaves), each once, in order of appearance. */
export function segmentRefs(tree: Condition): string[] {
  const out = new Set<string>();
  const walk = (n: Condition): void => {
    if (isAll(n)) n.all.forEach(walk);
    else if (isAny(n)) n.any.forEach(walk);
    else if (isNot(n)) walk(n.not);
    else if (n.kind === 'segment') out.add(n.value);
  };
  walk(tree);
  return [...out];
}

/**
 * Would segment `id` with condition `tree` make membership depend on itself? Follows segment
 * references depth-first (`lookup` gives another segment's condition; unknown ids are skipped) and
 * returns the chain of ids from `id` until one repeats — `['a', 'b', 'a']`, or `['a', 'b', 'c', 'b']`
 * when `a` only reaches a loop of others — or undefined when there is none.
 */
export function detectCycle(id: string, tree: Condition, lookup: (id: string) => Condition | undefined): string[] | undefined {
  const path = [id];
  const onPath = new Set([id]);
  const done = new Set<string>();
  const visit = (t: Condition): string[] | undefined => {
    for (const ref of segmentRefs(t)) {
      if (onPath.has(ref)) return [...path, ref];
      if (done.has(ref)) continue;
      const sub = lookup(ref);
      if (sub) {
        path.push(ref);
        onPath.add(ref);
        const cycle = visit(sub);
        if (cycle) return cycle;
        path.pop();
        onPath.delete(ref);
      }
      done.add(ref);
    }
    return undefined;
  };
  return visit(tree);
}
