import type { CustomerFacts } from './facts';

/** A compiled condition: closures over the checked tree, evaluated at an instant in epoch ms. */
export type Test = (facts: CustomerFacts, now: number) => boolean;
/** The earliest instant after `now` (epoch ms) at which a leaf's value may change, undefined when never. */
export type NextChange = (facts: CustomerFacts, now: number) => number | undefined;

export interface Compiled {
  test: Test;
  /** Rough evaluation cost: groups test their cheap members first. */
  cost: number;
  /** Leaves that read the clock. */
  next?: NextChange;
  /** This node or one below it reads the clock. */
  timed: boolean;
  /** False when a money amount had no currency and no base currency was given (timers only). */
  known: boolean;
  group?: 'all' | 'any' | 'not';
  members?: Compiled[];
}

export const leaf = (test: Test, cost: number, next?: NextChange): Compiled => (next ? { test, cost, next, timed: true, known: true } : { test, cost, timed: false, known: true });

/** x === v for small lists, a Set beyond: membership without allocation. */
export function member<T>(values: readonly T[]): (x: T) => boolean {
  const [a, b, c, d] = values;
  switch (values.length) {
    case 1:
      return (x) => x === a;
    case 2:
      return (x) => x === a || x === b;
    case 3:
      return (x) => x === a || x === b || x === c;
    case 4:
      return (x) => x === a || x === b || x === c || x === d;
  }
  if (values.length <= 8) return (x) => values.includes(x);
  const set = new Set(values);
  return (x) => set.has(x);
}
