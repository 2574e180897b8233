import { parseCondition } from '../../shared/domain/conditions';
import { newCustomer } from '../../shared/domain/customer';
import { EMPTY_AGGREGATES, type Aggregates } from '../../shared/domain/orders';
import type { SegmentDef, TagDef, ValueConfig } from '../../shared/domain/segmentation/definitions';
import { compileEngine, evaluate, historyOf } from '../../shared/domain/segmentation/engine';

const T = '2026-01-01T00:00:00.000Z';
const profile = (over = {}) => ({ ...newCustomer('C1', { name: 'A', sourceChannel: 'web' }, T), ...over });
const seg = (id: string, c: unknown): SegmentDef => ({ id, name: id, condition: parseCondition(c), version: 1, createdAt: T, updatedAt: T });
const tag = (name: string, c: unknown): TagDef => ({ name, category: 'behaviour', condition: parseCondition(c), version: 1, createdAt: T, updatedAt: T });
const config: ValueConfig = { baseCurrency: 'USD', version: 1 };
const agg = (orders: [string, number][]): Aggregates => {
  const days: Record<string, number> = {};
  const spend: Record<string, number> = {};
  for (const [at, minor] of orders) {
    days[at.slice(0, 10)] = (days[at.slice(0, 10)] ?? 0) + 1;
    spend[at.slice(0, 10)] = (spend[at.slice(0, 10)] ?? 0) + minor;
  }
  const sorted = orders.map((o) => o[0]).sort();
  return { ...EMPTY_AGGREGATES, orderCount: orders.length, spentMinor: { USD: orders.reduce((s, o) => s + o[1], 0) }, days, daySpend: { USD: spend }, firstOrderAt: sorted[0], lastOrderAt: sorted.at(-1), version: 1 };
};

describe('the segmentation engine', () => {
  it('evaluates segments after the segments they name, whatever order they were defined in', () => {
    const engine = compileEngine([seg('a-vip-lapsed', { all: [{ kind: 'segment', op: 'in', value: 'z-vip' }, { kind: 'orders', field: 'daysSinceLastOrder', op: 'gte', value: 30 }] }), seg('z-vip', { kind: 'orders', field: 'totalSpent', op: 'gte', value: 100 })], [], config);
    expect(engine.segments.map((s) => s.id)).toEqual(['z-vip', 'a-vip-lapsed']);
    const r = evaluate(engine, { profile: profile(), aggregates: agg([['2026-01-01T10:00:00.000Z', 20_000]]), state: undefined, memberships: [], now: new Date('2026-03-01T00:00:00.000Z') });
    expect(r.entered).toEqual(['z-vip', 'a-vip-lapsed']);
  });

  it('lets segments see the rule tags decided in the same evaluation, and reports what changed', () => {
    const engine = compileEngine([seg('tagged', { kind: 'tag', op: 'has', value: 'buyer' })], [tag('buyer', { kind: 'orders', field: 'count', op: 'gte', value: 1 })], config);
    const r = evaluate(engine, { profile: profile({ tags: ['manual'] }), aggregates: agg([['2026-01-01T10:00:00.000Z', 100]]), state: undefined, memberships: ['gone'], now: new Date('2026-01-02T00:00:00.000Z') });
    expect(r).toMatchObject({ tags: ['manual', 'buyer'], tagsAdded: ['buyer'], tagsRemoved: [], entered: ['tagged'], exited: ['gone'], lifecycleChange: { to: 'new' } });
  });

  it('remembers the reactivating order while reactivated, and announces tier changes by rank', () => {
    const tiers = { currency: 'USD', tiers: [{ name: 'vip', minSpendMinor: 10_000 }, { name: 'regular' }] };
    const engine = compileEngine([], [], { ...config, tiers });
    const orders: [string, number][] = [['2025-01-01T00:00:00.000Z', 5000]];
    const churned = evaluate(engine, { profile: profile(), aggregates: agg(orders), state: undefined, memberships: [], now: new Date('2026-02-01T00:00:00.000Z') });
    expect(churned.state).toMatchObject({ lifecycle: 'churned', tier: 'regular' });
    const back = evaluate(engine, { profile: profile(), aggregates: agg([...orders, ['2026-02-02T00:00:00.000Z', 6000]]), state: churned.state, memberships: [], now: new Date('2026-02-02T01:00:00.000Z') });
    expect(back.state).toMatchObject({ lifecycle: 'reactivated', reactivatedAt: '2026-02-02T00:00:00.000Z', tier: 'vip' });
    expect(back.tierChange).toEqual({ from: 'regular', to: 'vip', direction: 'upgrade' });
    expect(back.lifecycleChange).toEqual({ from: 'churned', to: 'reactivated' });
    // The timer is the end of the reactivated period (30 days after the reactivating order).
    expect(back.state.timerAt).toBe('2026-03-04T00:00:00.000Z');
  });

  it('raises a churn warning (once) for a valuable customer at risk, with its tag', () => {
    const engine = compileEngine([], [], { ...config, model: { bgnbd: { r: 0.24, alpha: 30.9, a: 0.79, b: 2.43 }, gammaGamma: { p: 6.25, q: 3.74, v: 1545 }, fittedAt: T, customers: 100 }, churnWarning: { minChurnRisk: 0.5, minSpentMinor: 10_000, tag: 'churn-risk' } });
    // Frequent buyer early in the year, silent for most of it: valuable, probably gone.
    const orders: [string, number][] = Array.from({ length: 8 }, (_, i) => [`2025-01-${String(1 + i * 3).padStart(2, '0')}T00:00:00.000Z`, 3000]);
    const r = evaluate(engine, { profile: profile(), aggregates: agg(orders), state: undefined, memberships: [], now: new Date('2025-12-31T00:00:00.000Z') });
    expect(r.state.predictions!.churnRisk).toBeGreaterThan(0.5);
    expect(r.churnWarningRaised).toBeDefined();
    expect(r.tagsAdded).toEqual(['churn-risk']);
    const again = evaluate(engine, { profile: profile({ tags: r.tags }), aggregates: agg(orders), state: r.state, memberships: [], now: new Date('2026-01-01T00:00:00.000Z') });
    expect(again.churnWarningRaised).toBeUndefined();
    expect(again.tagsAdded).toEqual([]);
  });

  it('reads purchase days and repeat spend exactly from the per-day aggregates', () => {
    const h = historyOf(agg([['2025-01-01T10:00:00.000Z', 1000], ['2025-01-01T18:00:00.000Z', 500], ['2025-01-08T10:00:00.000Z', 2000], ['2025-01-15T10:00:00.000Z', 4000]]), '2025-01-29T00:00:00.000Z', 'USD')!;
    expect(h).toMatchObject({ x: 2, t_x: 14, T: 28, zbar: 3000, exact: true });
  });
});
