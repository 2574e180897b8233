import { toMinor } from '../money';
import { DAY_MS, dayKey, dayOf, parseDayKey, parseInstant } from './dates';
import type { CustomerFacts } from './facts';
import type { Amount, BehaviourLeaf, ConsentLeaf, LabelLeaf, NumericOp, OrdersLeaf, PredictionLeaf, RfmLeaf, SegmentLeaf, TagLeaf } from './grammar';
import { leaf, member, type Compiled, type NextChange } from './node';
import { dayThresholds, nextThreshold, numTest, ratioTest } from './numeric';

/** Leaves over consent, tags, labels, scores, predictions, order aggregates, behaviour and segments. */
type Range = number | [number, number];
const minor = (v: Amount | [Amount, Amount], cur: string): Range => (Array.isArray(v) ? [toMinor(v[0], cur), toMinor(v[1], cur)] : toMinor(v, cur));
/** A money leaf whose currency is unknown (timers compiled without a base currency). */
const unknown = (): Compiled => ({ test: () => false, cost: 1, timed: false, known: false });

export function compileConsent(n: ConsentLeaf): Compiled {
  const ch = n.channel;
  return n.granted ? leaf((f) => f.profile.consent[ch]?.granted === true, 1) : leaf((f) => f.profile.consent[ch]?.granted !== true, 1);
}

export function compileTag(n: TagLeaf): Compiled {
  const tag = n.value;
  return n.op === 'has' ? leaf((f) => f.profile.tags.includes(tag), 2) : leaf((f) => !f.profile.tags.includes(tag), 2);
}

export function compileSegment(n: SegmentLeaf): Compiled {
  const id = n.value;
  return n.op === 'in' ? leaf((f) => f.segments.includes(id), 2) : leaf((f) => !f.segments.includes(id), 2);
}

function label(op: string, value: string | readonly string[], get: (f: CustomerFacts) => string | undefined): Compiled {
  const has = member(typeof value === 'string' ? [value] : value);
  return op === 'eq' || op === 'in' ? leaf((f) => has(get(f) as string), 1) : leaf((f) => !has(get(f) as string), 1);
}

export function compileLabel(n: LabelLeaf): Compiled {
  return n.kind === 'tier' ? label(n.op, n.value, (f) => f.tier) : label(n.op, n.value, (f) => f.lifecycle);
}

export function compileRfm(n: RfmLeaf): Compiled {
  if (n.field === 'group') return label(n.op, n.value, (f) => f.rfm?.group);
  const t = numTest(n.op, n.value);
  switch (n.field) {
    case 'r':
      return leaf((f) => f.rfm !== undefined && t(f.rfm.r), 1);
    case 'f':
      return leaf((f) => f.rfm !== undefined && t(f.rfm.f), 1);
    case 'm':
      return leaf((f) => f.rfm !== undefined && t(f.rfm.m), 1);
  }
}

export function compilePrediction(n: PredictionLeaf, baseCurrency: string | undefined): Compiled {
  type P = NonNullable<CustomerFacts['predictions']>;
  let t: (x: number) => boolean;
  let get: (p: P) => number;
  if (n.field === 'clv') {
    const cur = n.currency ?? baseCurrency;
    if (cur === undefined) return unknown();
    t = numTest(n.op, minor(n.value, cur));
    get = (p) => p.clvMinor;
  } else {
    t = numTest(n.op, n.value as Range);
    const field = n.field;
    get = field === 'pAlive' ? (p) => p.pAlive : field === 'churnRisk' ? (p) => p.churnRisk : field === 'expectedOrders90' ? (p) => p.expectedOrders90 : (p) => p.expectedOrders365;
  }
  return leaf((f) => f.predictions !== undefined && t(get(f.predictions)), 1);
}

export function compileOrders(n: OrdersLeaf, baseCurrency: string | undefined): Compiled {
  switch (n.field) {
    case 'count': {
      const t = numTest(n.op, n.value as Range);
      return leaf((f) => t(f.aggregates.orderCount), 1);
    }
    case 'totalSpent': {
      const cur = n.currency ?? baseCurrency;
      if (cur === undefined) return unknown();
      const t = numTest(n.op, minor(n.value, cur));
      return leaf((f) => t(f.aggregates.spentMinor[cur] ?? 0), 2);
    }
    case 'averageOrderValue': {
      const cur = n.currency ?? baseCurrency;
      if (cur === undefined) return unknown();
      const t = ratioTest(n.op, minor(n.value, cur));
      return leaf((f) => f.aggregates.orderCount > 0 && t(f.aggregates.spentMinor[cur] ?? 0, f.aggregates.orderCount), 2);
    }
    case 'daysSinceFirstOrder':
      return daysSince((f) => f.aggregates.firstOrderAt, n.op, n.value as Range);
    case 'daysSinceLastOrder':
      return daysSince((f) => f.aggregates.lastOrderAt, n.op, n.value as Range);
  }
}

/** Whole days elapsed since an instant: floor((now - t) / 1 day); no instant, no match. */
function daysSince(get: (f: CustomerFacts) => string | undefined, op: NumericOp, value: Range): Compiled {
  const t = numTest(op, value);
  const thresholds = dayThresholds(op, value);
  const at = (f: CustomerFacts) => {
    const s = get(f);
    return s === undefined ? NaN : parseInstant(s);
  };
  const next: NextChange = (f, now) => {
    const start = at(f);
    return Number.isNaN(start) ? undefined : nextThreshold(start, thresholds, now);
  };
  return leaf((f, now) => {
    const start = at(f);
    return !Number.isNaN(start) && t(Math.floor((now - start) / DAY_MS));
  }, 3, next);
}

/**
 * Count of an event over the last N UTC days including today: the days from today - (N - 1) to
 * today. The keys of the window are made once per UTC day, then each evaluation only compares
 * strings.
 */
export function compileBehaviour(n: BehaviourLeaf): Compiled {
  const days = n.withinDays;
  const t = numTest(n.op, n.value);
  const event = n.event;
  const counts: (f: CustomerFacts) => Record<string, number> | undefined = event === 'order' ? (f) => f.aggregates.days : (f) => f.activity[event];
  let cached = NaN;
  let from = '';
  let to = '';
  const count = (rec: Record<string, number> | undefined, now: number): number => {
    if (rec === undefined) return 0;
    const today = dayOf(now);
    if (today !== cached) {
      from = dayKey(today - days + 1);
      to = dayKey(today);
      cached = today;
    }
    let sum = 0;
    for (const k in rec) if (k >= from && k <= to) sum += rec[k]!;
    return sum;
  };
  const next: NextChange = (f, now) => {
    const rec = counts(f);
    if (rec === undefined) return undefined;
    const today = dayOf(now);
    // Changes of the count: a counted day leaves the window at the start of day + N; a future
    // day enters it at its own start.
    const changes: [number, number][] = [];
    for (const k in rec) {
      const d = parseDayKey(k);
      const c = rec[k]!;
      if (Number.isNaN(d) || c === 0) continue;
      if (d > today) changes.push([d, c]);
      if (d + days > today) changes.push([d + days, -c]);
    }
    if (changes.length === 0) return undefined;
    changes.sort((a, b) => a[0] - b[0]);
    let sum = count(rec, now);
    const was = t(sum);
    for (let i = 0; i < changes.length; ) {
      const day = changes[i]![0];
      while (i < changes.length && changes[i]![0] === day) sum += changes[i++]![1];
      if (t(sum) !== was) return day * DAY_MS;
    }
    return undefined;
  };
  return leaf((f, now) => t(count(counts(f), now)), 10, next);
}
