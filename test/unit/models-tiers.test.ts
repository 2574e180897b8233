import { ValidationError } from '../../shared/domain/errors';
import { EMPTY_AGGREGATES } from '../../shared/domain/orders';
import { EXAMPLE_TIERS, evaluateTier, tierChange, tierFactsFromAggregates, tierMeasures, tierRank, validateTierConfig, type TierConfig, type TierFacts } from '../../shared/domain/models/tiers';

/** Tiers by spend and order thresholds, validated configs, and tier changes by rank. */
const NOW = '2024-06-30T12:00:00Z';
const facts = (over: Partial<TierFacts> = {}): TierFacts => ({ ordersByDay: {}, orderCount: 0, spentMinor: 0, ...over });

describe('validateTierConfig', () => {
  it('accepts the example and returns the config', () => {
    expect(validateTierConfig(EXAMPLE_TIERS)).toBe(EXAMPLE_TIERS);
  });

  it.each([
    [{ ...EXAMPLE_TIERS, currency: 'XXX' }, 'currency'],
    [{ ...EXAMPLE_TIERS, windowDays: 0 }, 'windowDays'],
    [{ ...EXAMPLE_TIERS, windowDays: 401 }, 'windowDays'],
    [{ ...EXAMPLE_TIERS, windowDays: 30.5 }, 'windowDays'],
    [{ ...EXAMPLE_TIERS, match: 'some' as 'any' }, 'match'],
    [{ ...EXAMPLE_TIERS, tiers: [] }, 'tiers: must list at least one tier'],
    [{ ...EXAMPLE_TIERS, tiers: [{ name: ' ' }] }, 'tiers[0].name'],
    [{ ...EXAMPLE_TIERS, tiers: [{ name: 'VIP', minOrders: 5 }, { name: 'vip', minOrders: 2 }] }, 'tiers[1].name: "vip" is already the name of tiers[0]'],
    [{ ...EXAMPLE_TIERS, tiers: [{ name: 'a', minSpendMinor: -1 }] }, 'tiers[0].minSpendMinor: must be a non-negative whole number'],
    [{ ...EXAMPLE_TIERS, tiers: [{ name: 'a', minOrders: 1.5 }] }, 'tiers[0].minOrders'],
    [{ ...EXAMPLE_TIERS, tiers: [{ name: 'a', minSpendMinor: 100 }, { name: 'b', minSpendMinor: 200 }] }, 'tiers[1].minSpendMinor: thresholds must descend: 200 is above tiers[0] (100)'],
    [{ ...EXAMPLE_TIERS, tiers: [{ name: 'a', minOrders: 5 }, { name: 'b', minSpendMinor: 10 }, { name: 'c', minOrders: 6 }] }, 'tiers[2].minOrders: thresholds must descend: 6 is above tiers[0] (5)'],
    [{ ...EXAMPLE_TIERS, tiers: [{ name: 'all' }, { name: 'b', minOrders: 1 }] }, 'tiers[0]: names no threshold'],
    [{ ...EXAMPLE_TIERS, tiers: [{ name: 'a', minOrders: 3 }, { name: 'b', minOrders: 3 }] }, 'tiers[1]: has the same thresholds as tiers[0]'],
  ])('refuses an invalid config (%#)', (config, message) => {
    expect(() => validateTierConfig(config as TierConfig)).toThrow(ValidationError);
    expect(() => validateTierConfig(config as TierConfig)).toThrow(message);
  });
});

describe('evaluateTier', () => {
  it('gives the first tier met, any criterion by default', () => {
    expect(evaluateTier(EXAMPLE_TIERS, facts({ orderCount: 1, spentMinor: 150_000 }), NOW)).toBe('vip');
    expect(evaluateTier(EXAMPLE_TIERS, facts({ orderCount: 12, spentMinor: 100 }), NOW)).toBe('vip');
    expect(evaluateTier(EXAMPLE_TIERS, facts({ orderCount: 6, spentMinor: 99_999 }), NOW)).toBe('high');
    expect(evaluateTier(EXAMPLE_TIERS, facts({ orderCount: 2, spentMinor: 0 }), NOW)).toBe('medium');
    expect(evaluateTier(EXAMPLE_TIERS, facts({ orderCount: 1, spentMinor: 9_999 }), NOW)).toBe('low');
    expect(evaluateTier(EXAMPLE_TIERS, facts(), NOW)).toBe('low');
  });

  it('needs every criterion with match all, and gives no tier when none is met and there is no catch-all', () => {
    const config: TierConfig = { currency: 'EUR', match: 'all', tiers: [{ name: 'gold', minSpendMinor: 50_000, minOrders: 5 }, { name: 'silver', minSpendMinor: 10_000 }] };
    expect(evaluateTier(config, facts({ orderCount: 5, spentMinor: 50_000 }), NOW)).toBe('gold');
    expect(evaluateTier(config, facts({ orderCount: 4, spentMinor: 80_000 }), NOW)).toBe('silver');
    expect(evaluateTier(config, facts({ orderCount: 40, spentMinor: 9_000 }), NOW)).toBeUndefined();
  });

  it('counts orders and spend over the last windowDays days, today included', () => {
    const config: TierConfig = { currency: 'USD', windowDays: 30, tiers: [{ name: 'regular', minOrders: 3 }, { name: 'big', minSpendMinor: 20_000 }, { name: 'other' }] };
    const ordersByDay = { '2024-05-31': 5, '2024-06-01': 1, '2024-06-15': 1, '2024-06-30': 1, '2024-07-01': 9 };
    expect(tierMeasures(config, facts({ ordersByDay, orderCount: 17 }), NOW)).toEqual({ orders: 3, spendMinor: undefined });
    expect(evaluateTier(config, facts({ ordersByDay, orderCount: 17 }), NOW)).toBe('regular');
    expect(evaluateTier(config, facts({ ordersByDay, orderCount: 17 }), '2024-07-01T00:00:00Z')).toBe('regular');
    const quiet = { '2024-05-31': 5, '2024-06-15': 1 };
    // Spend thresholds over a window need per-day spend: the aggregates keep spend only in total.
    expect(() => evaluateTier(config, facts({ ordersByDay: quiet }), NOW)).toThrow('spendByDayMinor: is needed: tier "big"');
    const spendByDayMinor = { '2024-05-31': 90_000, '2024-06-20': 25_000 };
    expect(evaluateTier(config, facts({ ordersByDay: quiet, spendByDayMinor }), NOW)).toBe('big');
    expect(evaluateTier(config, facts({ ordersByDay: quiet, spendByDayMinor: { '2024-05-31': 90_000 } }), NOW)).toBe('other');
  });

  it('reads lifetime facts from the aggregates', () => {
    const agg = { ...EMPTY_AGGREGATES, orderCount: 7, spentMinor: { USD: 31_000, EUR: 5 }, days: { '2024-06-01': 2 } };
    expect(tierFactsFromAggregates(agg, 'USD')).toEqual({ ordersByDay: { '2024-06-01': 2 }, orderCount: 7, spentMinor: 31_000 });
    expect(tierFactsFromAggregates(agg, 'GBP').spentMinor).toBe(0);
    expect(evaluateTier(EXAMPLE_TIERS, tierFactsFromAggregates(agg, 'USD'), NOW)).toBe('high');
  });

  it('validates the config it is given', () => {
    expect(() => evaluateTier({ ...EXAMPLE_TIERS, tiers: [] }, facts(), NOW)).toThrow(ValidationError);
  });
});

describe('tierChange', () => {
  it('compares tiers by rank, no tier below all', () => {
    expect(tierRank(EXAMPLE_TIERS, 'vip')).toBe(0);
    expect(tierRank(EXAMPLE_TIERS, undefined)).toBe(4);
    expect(tierChange('low', 'high', EXAMPLE_TIERS)).toBe('upgrade');
    expect(tierChange('vip', 'medium', EXAMPLE_TIERS)).toBe('downgrade');
    expect(tierChange('medium', 'medium', EXAMPLE_TIERS)).toBeUndefined();
    expect(tierChange(undefined, 'low', EXAMPLE_TIERS)).toBe('upgrade');
    expect(tierChange('low', undefined, EXAMPLE_TIERS)).toBe('downgrade');
    expect(tierChange(undefined, undefined, EXAMPLE_TIERS)).toBeUndefined();
  });

  it('refuses a tier the config does not have', () => {
    expect(() => tierChange('platinum', 'vip', EXAMPLE_TIERS)).toThrow('tier: "platinum" is not a tier of this config');
  });
});
