import { compileCondition, compileTimer, type CustomerFacts } from '../../shared/domain/conditions';

/**
 * Property: for random customers and trees of clock-reading conditions, stepping the clock finely
 * from `now` never shows the tree's value change before nextChangeAt (sound), and it has changed
 * at nextChangeAt (exact). Seeded, so a failure names a reproducible case.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;
const STEP = 3 * HOUR;
const CASES = 300;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function cases(seed: number) {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const iso = (ms: number) => new Date(ms).toISOString();
  const dayKey = (ms: number) => iso(ms).slice(0, 10);
  const numericOp = () => pick(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between'] as const);
  const numValue = (op: string, lo: number, hi: number) => {
    if (op !== 'between') return int(lo, hi);
    const a = int(lo, hi);
    return [a, a + int(0, 10)];
  };

  const leaf = (): unknown => {
    switch (int(0, 9)) {
      case 0:
      case 1: {
        const op = numericOp();
        return { kind: 'orders', field: pick(['daysSinceLastOrder', 'daysSinceFirstOrder']), op, value: numValue(op, 0, 60) };
      }
      case 2:
      case 3: {
        const op = numericOp();
        return { kind: 'behaviour', event: pick(['order', 'interaction:inquiry']), withinDays: int(1, 40), op, value: numValue(op, 0, 6) };
      }
      case 4:
        return { kind: 'profile', field: pick(['createdAt', 'attributes.renewal']), op: pick(['withinLastDays', 'notWithinLastDays']), value: int(1, 40) };
      case 5:
        return { kind: 'profile', field: 'birthday', op: 'birthdayInNextDays', value: pick([0, 1, 7, 30, 363, 364, 365]) };
      case 6:
        return { kind: 'profile', field: 'birthday', op: 'birthdayThisMonth' };
      case 7:
        return { kind: 'tag', op: 'has', value: pick(['a', 'b']) };
      case 8:
        return { kind: 'orders', field: 'totalSpent', op: 'gte', value: pick([0, 10, 100]) };
      default:
        return { kind: 'profile', field: 'createdAt', op: pick(['before', 'after']), value: dayKey(Date.parse('2026-01-01') + int(-60, 60) * DAY) };
    }
  };
  const tree = (depth: number): unknown => {
    if (depth >= 3 || r() < 0.4) return leaf();
    const g = int(0, 2);
    if (g === 2) return { not: tree(depth + 1) };
    const members = Array.from({ length: int(1, 4) }, () => tree(depth + 1));
    return g === 0 ? { all: members } : { any: members };
  };
  const facts = (now: number): CustomerFacts => {
    const counts = () => {
      const out: Record<string, number> = {};
      for (let k = int(0, 6); k > 0; k--) out[dayKey(now + int(-50, 3) * DAY)] = int(1, 3);
      return out;
    };
    const ordered = r() < 0.8;
    const last = now + int(-70 * 24, 2 * 24) * HOUR + int(0, HOUR);
    return {
      profile: {
        tags: r() < 0.5 ? ['a'] : [],
        attributes: r() < 0.6 ? { renewal: iso(now + int(-50 * 24, 5 * 24) * HOUR + int(0, HOUR)) } : {},
        consent: {},
        createdAt: iso(now + int(-50 * 24, 24) * HOUR + int(0, HOUR)),
        ...(r() < 0.8 ? { birthday: pick(['2000-02-29', '--02-29', '--02-28', '--03-01', '--12-31', '--01-01', `1990-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`]) } : {}),
      },
      aggregates: {
        orderCount: ordered ? 3 : 0,
        spentMinor: ordered ? { USD: int(0, 20_000) } : {},
        refundedMinor: {},
        ...(ordered ? { firstOrderAt: iso(last - int(0, 40 * 24) * HOUR), lastOrderAt: iso(last) } : {}),
        days: counts(),
      },
      activity: { 'interaction:inquiry': counts() },
      segments: [],
    };
  };
  // Some instants sit on day and month boundaries, where most flips happen.
  const now = () => (r() < 0.3 ? Date.parse('2027-02-27T00:00:00Z') + int(0, 3) * DAY - int(0, 1) : Date.parse('2026-01-01T00:00:00Z') + Math.floor(r() * 3 * 365 * DAY));
  return { tree, facts, now, int };
}

describe('nextChangeAt property', () => {
  it('never misses a change and is exact, over random customers and trees', () => {
    const seed = 20260310;
    const { tree, facts, now: randomNow, int } = cases(seed);
    const ctx = { baseCurrency: 'USD' };
    let changing = 0;
    for (let i = 0; i < CASES; i++) {
      const t = tree(0);
      const now = randomNow();
      const f = facts(now);
      const test = compileCondition(t, ctx);
      const at = compileTimer(t, ctx)(f, new Date(now))?.getTime();
      const was = test(f, new Date(now));
      const label = `case ${i} (seed ${seed}) now=${new Date(now).toISOString()} at=${at === undefined ? '-' : new Date(at).toISOString()} tree=${JSON.stringify(t)} facts=${JSON.stringify(f)}`;
      const end = Math.min(at ?? Infinity, now + 400 * DAY);
      if (at !== undefined) {
        expect({ label, after: at > now }).toEqual({ label, after: true });
        changing++;
      }
      // Hours plus a random phase, and the instant just before the change.
      for (let s = now + int(1, STEP); s < end; s += STEP) if (test(f, new Date(s)) !== was) expect({ label, changedAt: new Date(s).toISOString() }).toEqual({ label });
      if (at !== undefined) {
        expect({ label, before: test(f, new Date(at - 1)) }).toEqual({ label, before: was });
        expect({ label, at: test(f, new Date(at)) }).toEqual({ label, at: !was });
      }
    }
    expect(changing).toBeGreaterThan(CASES / 5);
  });
});
