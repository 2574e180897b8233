import { BucketBuilder, HistoryBuilder, stageIntervals } from '../../shared/domain/analytics/history';
import { dayNumber } from '../../shared/domain/analytics/period';
import { lifecycleStage, type LifecycleStage } from '../../shared/domain/models/lifecycle';

const D = (s: string) => dayNumber(s);
const T = { newDays: 30, activeDays: 90, churnDays: 365, reactivatedDays: 30 };

/** The engine's rule run day by day (orders at noon, evaluated at the end of each day). */
function simulate(orderDays: string[], upTo: string): Map<number, LifecycleStage> {
  const out = new Map<number, LifecycleStage>();
  let stage: LifecycleStage | undefined;
  let reactivatedAt: string | undefined;
  for (let d = D(orderDays[0]!); d <= D(upTo); d++) {
    const end = new Date(d * 86_400_000 + 86_399_999).toISOString();
    const seen = orderDays.filter((o) => D(o) <= d);
    const facts = { firstOrderAt: `${seen[0]}T12:00:00.000Z`, lastOrderAt: `${seen[seen.length - 1]}T12:00:00.000Z`, ...(reactivatedAt ? { reactivatedAt } : {}) };
    const next = lifecycleStage(stage, facts, end, T);
    if (next === 'reactivated' && stage !== 'reactivated') reactivatedAt = facts.lastOrderAt;
    stage = next;
    out.set(d, stage);
  }
  return out;
}

describe('lifecycle stage intervals', () => {
  it.each([
    ['one order', ['2025-01-10']],
    ['a repeat within the active window', ['2025-01-10', '2025-02-20', '2025-03-01']],
    ['a comeback after dormancy, and another order while reactivated', ['2025-01-10', '2025-06-01', '2025-06-15']],
    ['a comeback after churning', ['2024-01-01', '2025-03-01']],
    ['orders on the boundaries', ['2025-01-01', '2025-04-01', '2025-06-30']],
  ])('match the engine’s rule run day by day: %s', (_, orders) => {
    const end = '2026-06-30';
    const expected = simulate(orders, end);
    const got = new Map<number, string>();
    for (const [stage, a, b] of stageIntervals(D(orders[0]!), orders.map(D), D(end), T)) for (let d = a; d <= b; d++) got.set(d, stage);
    for (const [d, stage] of expected) expect({ day: d, stage: got.get(d) }).toEqual({ day: d, stage });
  });

  it('count a customer as a prospect from creation until the first order', () => {
    expect(stageIntervals(D('2025-01-01'), [D('2025-01-05')], D('2025-01-06'), T)).toEqual([
      ['prospect', D('2025-01-01'), D('2025-01-04')],
      ['new', D('2025-01-05'), D('2025-01-06')],
    ]);
    expect(stageIntervals(D('2025-01-01'), [], D('2025-01-03'), T)).toEqual([['prospect', D('2025-01-01'), D('2025-01-03')]]);
  });
});

describe('the day-by-day history', () => {
  const orders = (days: string[]) => days.map((d) => ({ day: D(d), net: 100 }));

  it('adds customers, buyers, stages, churned-in days and per-day buyers', () => {
    const h = new HistoryBuilder(D('2025-01-01'), D('2026-01-31'), T);
    h.addBase({ since: D('2025-01-01'), orders: orders(['2025-01-05']) });
    h.addBase({ since: D('2025-01-03'), orders: [] });
    const b = h.base();
    const at = (day: string) => D(day) - D('2025-01-01');
    expect([b.customers[at('2025-01-02')], b.customers[at('2025-01-03')]]).toEqual([1, 2]);
    expect([b.buyers[at('2025-01-04')], b.buyers[at('2025-01-05')]]).toEqual([0, 1]);
    expect(b.stages.churned[at('2026-01-05')]).toBe(1);
    expect(b.churnedIn[at('2026-01-05')]).toBe(1);
    expect(b.churnedIn.reduce((a, c) => a + c, 0)).toBe(1);
    expect(b.stages.prospect[at('2025-06-01')]).toBe(1);
  });

  it('counts distinct buyers in rolling windows: new, returning and repeat', () => {
    const h = new HistoryBuilder(D('2025-01-01'), D('2025-03-31'), T);
    h.addBuyer(orders(['2025-01-10', '2025-01-10', '2025-02-20'])); // two orders on day one: a repeat buyer from then on
    h.addBuyer(orders(['2025-02-01']));
    const s = h.buyerSeries();
    const at = (day: string) => D(day) - D('2025-01-01');
    expect(s.orders[at('2025-01-10')]).toBe(2);
    expect(s.buyers[at('2025-01-10')]).toBe(1);
    expect(s.repeatBuyers[at('2025-01-10')]).toBe(1);
    const w30 = s.windows[30];
    expect([w30.buyers[at('2025-02-05')], w30.newBuyers[at('2025-02-05')], w30.repeatBuyers[at('2025-02-05')]]).toEqual([2, 2, 1]);
    expect([w30.buyers[at('2025-02-25')], w30.newBuyers[at('2025-02-25')]]).toEqual([2, 1]);
    expect(w30.buyers[at('2025-03-31')]).toBe(0);
  });

  it('counts distinct buyers per calendar bucket, the repeat ones by the bucket’s end', () => {
    const months = new BucketBuilder((d) => new Date(d * 86_400_000).toISOString().slice(0, 7), (b) => D(`${b}-28`));
    months.add(orders(['2025-01-10', '2025-02-20']));
    months.add(orders(['2025-02-01', '2025-02-03']));
    expect(Object.fromEntries(months.rows)).toEqual({
      '2025-01': { orders: 1, revenue: 100, buyers: 1, newBuyers: 1, repeatBuyers: 0 },
      '2025-02': { orders: 3, revenue: 300, buyers: 2, newBuyers: 1, repeatBuyers: 2 },
    });
  });
});
