import type { Step } from './types';

/**
 * The journey graph: steps are nodes, their typed edges (`next`; `yes`/`no` of a condition; the
 * branches of a split) point at other steps by id. Pure graph algorithms for validation.
 */
export interface Edge {
  /** Which field of the step holds it: `next`, `yes`, `no`, `branches[1].next`. */
  label: string;
  to: string;
}

export function edgesOf(s: Step): Edge[] {
  switch (s.type) {
    case 'condition':
      return [...(s.yes !== undefined ? [{ label: 'yes', to: s.yes }] : []), ...(s.no !== undefined ? [{ label: 'no', to: s.no }] : [])];
    case 'split':
      return (Array.isArray(s.branches) ? s.branches : []).flatMap((b, i) => (b && typeof b === 'object' && b.next !== undefined ? [{ label: `branches[${i}].next`, to: b.next }] : []));
    case 'exit':
      return [];
    default:
      return (s as { next?: string }).next !== undefined ? [{ label: 'next', to: (s as { next: string }).next }] : [];
  }
}

/** Ids reachable from `start` following edges that name known steps. */
export function reachable(start: string, byId: ReadonlyMap<string, Step>): Set<string> {
  const seen = new Set<string>();
  const stack = byId.has(start) ? [start] : [];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of edgesOf(byId.get(id)!)) if (byId.has(e.to) && !seen.has(e.to)) stack.push(e.to);
  }
  return seen;
}

/**
 * Cycles that do not pass through a breaking step: the strongly connected components of the graph
 * without the edges leaving breaking steps (a loop is fine when every turn of it waits). Each
 * result is one cycle as a path of ids, first id repeated at the end.
 */
export function cyclesWithout(byId: ReadonlyMap<string, Step>, breaks: (s: Step) => boolean): string[][] {
  const succ = (id: string) => {
    const s = byId.get(id)!;
    return breaks(s) ? [] : edgesOf(s).map((e) => e.to).filter((to) => byId.has(to));
  };
  // Tarjan's strongly connected components, iterative.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  for (const root of byId.keys()) {
    if (idx.has(root)) continue;
    const work: { id: string; i: number; next: string[] }[] = [];
    const open = (id: string) => {
      idx.set(id, index);
      low.set(id, index++);
      stack.push(id);
      onStack.add(id);
      work.push({ id, i: 0, next: succ(id) });
    };
    open(root);
    while (work.length) {
      const top = work[work.length - 1]!;
      if (top.i < top.next.length) {
        const w = top.next[top.i++]!;
        if (!idx.has(w)) open(w);
        else if (onStack.has(w)) low.set(top.id, Math.min(low.get(top.id)!, idx.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]!;
        low.set(parent.id, Math.min(low.get(parent.id)!, low.get(top.id)!));
      }
      if (low.get(top.id) === idx.get(top.id)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.id);
        const selfLoop = comp.length === 1 && succ(comp[0]!).includes(comp[0]!);
        if (comp.length > 1 || selfLoop) components.push(comp);
      }
    }
  }
  return components.map((comp) => cyclePath(comp, succ));
}

/** One cycle through a component, as a path starting and ending at the same id. */
function cyclePath(comp: string[], succ: (id: string) => string[]): string[] {
  const inComp = new Set(comp);
  const start = [...comp].sort()[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length) {
    const id = queue.shift()!;
    for (const n of succ(id)) {
      if (!inComp.has(n)) continue;
      if (n === start) {
        const path = [start];
        for (let c = id; c !== start; c = prev.get(c)!) path.splice(1, 0, c);
        return [...path, start];
      }
      if (!seen.has(n)) {
        seen.add(n);
        prev.set(n, id);
        queue.push(n);
      }
    }
  }
  return [start, start];
}
