import { DAY_MS } from './dates';
import type { NumericOp } from './grammar';

/** The test `x <op> value` for a numeric op (between is inclusive at both ends). */
export function numTest(op: NumericOp, value: number | readonly [number, number]): (x: number) => boolean {
  if (op === 'between') {
    const [lo, hi] = value as readonly [number, number];
    return (x) => x >= lo && x <= hi;
  }
  const v = value as number;
  switch (op) {
    case 'eq':
      return (x) => x === v;
    case 'neq':
      return (x) => x !== v;
    case 'gt':
      return (x) => x > v;
    case 'gte':
      return (x) => x >= v;
    case 'lt':
      return (x) => x < v;
    case 'lte':
      return (x) => x <= v;
  }
}

/** The test `sum / count <op> value` without division (exact on integers). */
export function ratioTest(op: NumericOp, value: number | readonly [number, number]): (sum: number, count: number) => boolean {
  if (op === 'between') {
    const [lo, hi] = value as readonly [number, number];
    return (s, c) => s >= lo * c && s <= hi * c;
  }
  const v = value as number;
  switch (op) {
    case 'eq':
      return (s, c) => s === v * c;
    case 'neq':
      return (s, c) => s !== v * c;
    case 'gt':
      return (s, c) => s > v * c;
    case 'gte':
      return (s, c) => s >= v * c;
    case 'lt':
      return (s, c) => s < v * c;
    case 'lte':
      return (s, c) => s <= v * c;
  }
}

/**
 * For an integer that grows by one per day since `start` (whole days elapsed), the day counts at
 * which `op value` can change: the test flips exactly at start + k days for these k.
 */
export function dayThresholds(op: NumericOp, value: number | readonly [number, number]): number[] {
  if (op === 'between') return [(value as readonly number[])[0]!, (value as readonly number[])[1]! + 1];
  const v = value as number;
  switch (op) {
    case 'gte':
    case 'lt':
      return [v];
    case 'gt':
    case 'lte':
      return [v + 1];
    case 'eq':
    case 'neq':
      return [v, v + 1];
  }
}

/** The first start + k days (k in thresholds) after now. */
export function nextThreshold(start: number, thresholds: readonly number[], now: number): number | undefined {
  let best: number | undefined;
  for (const k of thresholds) {
    const at = start + k * DAY_MS;
    if (at > now && (best === undefined || at < best)) best = at;
  }
  return best;
}
