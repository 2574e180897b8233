import { compileCondition, type Condition, type CustomerFacts } from '../../shared/domain/conditions';
import { ValidationError } from '../../shared/domain/errors';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const ago = (days: number, ms = 0) => iso(NOW.getTime() - days * DAY - ms);

type Over = { profile?: Partial<CustomerFacts['profile']>; aggregates?: Partial<CustomerFacts['aggregates']> } & Partial<Omit<CustomerFacts, 'profile' | 'aggregates'>>;
function facts(over: Over = {}): CustomerFacts {
  const { profile, aggregates, ...rest } = over;
  return {
    profile: { tags: [], attributes: {}, consent: {}, createdAt: '2025-01-01T00:00:00.000Z', ...profile },
    aggregates: { orderCount: 0, spentMinor: {}, refundedMinor: {}, days: {}, ...aggregates },
    activity: {},
    segments: [],
    ...rest,
  };
}
const run = (tree: unknown, f: CustomerFacts, now = NOW, baseCurrency = 'USD') => compileCondition(tree, { baseCurrency })(f, now);
const P = (field: string, op: string, value?: unknown): Condition => ({ kind: 'profile', field, op, ...(value === undefined ? {} : { value }) }) as Condition;

describe('profile conditions', () => {
  const c = facts({ profile: { email: 'ann@example.com', name: 'Ann Lee', country: 'CN', gender: 'female', sourceChannel: 'shopify', tags: ['vip', 'b2b'], city: '' } });
  it('eq, neq, in, nin: a missing value is not equal to anything', () => {
    expect(run(P('email', 'eq', 'ann@example.com'), c)).toBe(true);
    expect(run(P('email', 'neq', 'ann@example.com'), c)).toBe(false);
    expect(run(P('phone', 'eq', '+8613800000000'), c)).toBe(false);
    expect(run(P('phone', 'neq', '+8613800000000'), c)).toBe(true);
    expect(run(P('country', 'in', ['US', 'CN']), c)).toBe(true);
    expect(run(P('country', 'nin', ['US', 'CN']), c)).toBe(false);
    expect(run(P('region', 'in', ['CA']), c)).toBe(false);
    expect(run(P('region', 'nin', ['CA']), c)).toBe(true);
    expect(run(P('gender', 'in', ['female', 'other']), c)).toBe(true);
    expect(run(P('sourceChannel', 'eq', 'shopify'), c)).toBe(true);
    for (let n = 1; n <= 10; n++) {
      const list = Array.from({ length: n }, (_, i) => `X${i}`);
      expect([n, run(P('region', 'in', list), c), run(P('region', 'nin', list), c)]).toEqual([n, false, true]);
      expect([n, run(P('country', 'in', [...list, 'CN']), c), run(P('country', 'in', list), c)]).toEqual([n, true, false]);
    }
    const many = Array.from({ length: 20 }, (_, i) => `X${i}`);
    expect(run(P('country', 'in', [...many, 'CN']), c)).toBe(true);
    expect(run(P('country', 'nin', many), c)).toBe(true);
  });
  it('contains: substring of a string (case-sensitive), member of the tags', () => {
    expect(run(P('name', 'contains', 'Lee'), c)).toBe(true);
    expect(run(P('name', 'contains', 'lee'), c)).toBe(false);
    expect(run(P('email', 'contains', '@example.'), c)).toBe(true);
    expect(run(P('phone', 'contains', '138'), c)).toBe(false);
    expect(run(P('tags', 'contains', 'b2b'), c)).toBe(true);
    expect(run(P('tags', 'contains', 'b2'), c)).toBe(false);
  });
  it('exists and notExists: absent, null, empty string and empty list are missing', () => {
    expect(run(P('email', 'exists'), c)).toBe(true);
    expect(run(P('phone', 'exists'), c)).toBe(false);
    expect(run(P('city', 'exists'), c)).toBe(false);
    expect(run(P('city', 'notExists'), c)).toBe(true);
    expect(run(P('tags', 'exists'), c)).toBe(true);
    expect(run(P('tags', 'notExists'), facts())).toBe(true);
    expect(run(P('attributes.plan', 'exists'), facts({ profile: { attributes: { plan: null } } }))).toBe(false);
    expect(run(P('attributes.plan', 'exists'), facts({ profile: { attributes: { plan: 'pro' } } }))).toBe(true);
    // Keys of Object.prototype are not attributes.
    expect(run(P('attributes.constructor', 'exists'), c)).toBe(false);
    expect(run(P('attributes.toString', 'notExists'), c)).toBe(true);
  });
  it('attributes compare as strings, numbers, booleans and dates', () => {
    const a = facts({ profile: { attributes: { plan: 'pro', visits: 12, member: true, renewal: '2026-04-01', label: 'abc' } } });
    expect(run(P('attributes.plan', 'eq', 'pro'), a)).toBe(true);
    expect(run(P('attributes.visits', 'eq', 12), a)).toBe(true);
    expect(run(P('attributes.visits', 'eq', '12'), a)).toBe(false);
    expect(run(P('attributes.member', 'eq', true), a)).toBe(true);
    expect(run(P('attributes.member', 'in', [false]), a)).toBe(false);
    expect(run(P('attributes.visits', 'gt', 11), a)).toBe(true);
    expect(run(P('attributes.visits', 'gte', 12), a)).toBe(true);
    expect(run(P('attributes.visits', 'lt', 12), a)).toBe(false);
    expect(run(P('attributes.visits', 'lte', 12), a)).toBe(true);
    expect(run(P('attributes.visits', 'between', [10, 12]), a)).toBe(true);
    expect(run(P('attributes.plan', 'gt', 1), a)).toBe(false);
    expect(run(P('attributes.label', 'contains', 'b'), a)).toBe(true);
    expect(run(P('attributes.visits', 'contains', '1'), a)).toBe(false);
    expect(run(P('attributes.renewal', 'after', '2026-03-31'), a)).toBe(true);
    expect(run(P('attributes.renewal', 'before', '2026-04-01'), a)).toBe(false);
    expect(run(P('attributes.visits', 'after', '2026-03-31'), a)).toBe(false);
    expect(run(P('attributes.label', 'after', '2000-01-01'), a)).toBe(false);
  });
  it('date comparisons: a plain date is its whole UTC day, a date-time an instant', () => {
    const at = (createdAt: string) => facts({ profile: { createdAt } });
    const day = at('2026-01-15T00:00:00.000Z');
    const late = at('2026-01-15T23:59:59.999Z');
    expect(run(P('createdAt', 'gt', '2026-01-14'), day)).toBe(true);
    expect(run(P('createdAt', 'gt', '2026-01-15'), late)).toBe(false);
    expect(run(P('createdAt', 'gt', '2026-01-15'), at('2026-01-16T00:00:00.000Z'))).toBe(true);
    expect(run(P('createdAt', 'gte', '2026-01-15'), day)).toBe(true);
    expect(run(P('createdAt', 'lt', '2026-01-15'), day)).toBe(false);
    expect(run(P('createdAt', 'lt', '2026-01-15'), at('2026-01-14T23:59:59.999Z'))).toBe(true);
    expect(run(P('createdAt', 'lte', '2026-01-15'), late)).toBe(true);
    expect(run(P('createdAt', 'between', ['2026-01-15', '2026-01-15']), late)).toBe(true);
    expect(run(P('createdAt', 'between', ['2026-01-16', '2026-02-01']), late)).toBe(false);
    expect(run(P('createdAt', 'after', '2026-01-15T08:00:00+08:00'), day)).toBe(false);
    expect(run(P('createdAt', 'after', '2026-01-15T07:59:59.999+08:00'), day)).toBe(true);
    expect(run(P('createdAt', 'before', '2026-01-15T00:00:00.001Z'), day)).toBe(true);
    expect(run(P('createdAt', 'gte', '2026-01-15T00:00:00Z'), day)).toBe(true);
    expect(run(P('createdAt', 'lte', '2026-01-15T00:00:00Z'), day)).toBe(true);
    expect(run(P('createdAt', 'gt', '2026-01-15T00:00:00Z'), day)).toBe(false);
  });
  it('withinLastDays N: 0 <= now - t < N days; notWithinLastDays N: now - t >= N days', () => {
    const at = (createdAt: string) => facts({ profile: { createdAt } });
    expect(run(P('createdAt', 'withinLastDays', 30), at(ago(29, 1)))).toBe(true);
    expect(run(P('createdAt', 'withinLastDays', 30), at(ago(30, -1)))).toBe(true);
    expect(run(P('createdAt', 'withinLastDays', 30), at(ago(30)))).toBe(false);
    expect(run(P('createdAt', 'notWithinLastDays', 30), at(ago(30)))).toBe(true);
    expect(run(P('createdAt', 'notWithinLastDays', 30), at(ago(30, -1)))).toBe(false);
    expect(run(P('createdAt', 'withinLastDays', 30), at(ago(0)))).toBe(true);
    // A date in the future is in neither.
    expect(run(P('createdAt', 'withinLastDays', 30), at(ago(0, -1)))).toBe(false);
    expect(run(P('createdAt', 'notWithinLastDays', 30), at(ago(0, -1)))).toBe(false);
    expect(run(P('attributes.lastVisit', 'withinLastDays', 7), facts({ profile: { attributes: { lastVisit: '2026-03-05' } } }))).toBe(true);
    expect(run(P('attributes.lastVisit', 'notWithinLastDays', 7), facts())).toBe(false);
  });
  it('birthdayInNextDays N: a birthday today or in the next N days, across the year end, Feb 29 on Feb 28', () => {
    const b = (birthday: string, now: string, n: number) => run(P('birthday', 'birthdayInNextDays', n), facts({ profile: { birthday } }), new Date(now));
    expect(b('1990-03-10', '2026-03-10T23:59:59Z', 0)).toBe(true);
    expect(b('1990-03-11', '2026-03-10T12:00:00Z', 0)).toBe(false);
    expect(b('1990-03-17', '2026-03-10T12:00:00Z', 7)).toBe(true);
    expect(b('1990-03-18', '2026-03-10T12:00:00Z', 7)).toBe(false);
    expect(b('--03-09', '2026-03-10T12:00:00Z', 300)).toBe(false);
    expect(b('--03-09', '2026-03-10T12:00:00Z', 364)).toBe(true);
    expect(b('--01-02', '2026-12-30T00:00:00Z', 3)).toBe(true);
    expect(b('--01-02', '2026-12-30T00:00:00Z', 2)).toBe(false);
    expect(b('2000-02-29', '2026-02-28T00:00:00Z', 0)).toBe(true);
    expect(b('2000-02-29', '2028-02-28T00:00:00Z', 0)).toBe(false);
    expect(b('2000-02-29', '2028-02-29T00:00:00Z', 0)).toBe(true);
    expect(b('--02-29', '2027-02-20T00:00:00Z', 8)).toBe(true);
    expect(b('not-a-date', '2026-03-10T12:00:00Z', 365)).toBe(false);
    expect(run(P('birthday', 'birthdayInNextDays', 365), facts())).toBe(false);
  });
  it('birthdayThisMonth: the UTC month of now', () => {
    const b = (birthday: string, now: string) => run(P('birthday', 'birthdayThisMonth'), facts({ profile: { birthday } }), new Date(now));
    expect(b('1990-03-31', '2026-03-01T00:00:00Z')).toBe(true);
    expect(b('--03-01', '2026-02-28T23:59:59.999Z')).toBe(false);
    expect(b('--12-25', '2026-12-01T00:00:00Z')).toBe(true);
    expect(b('1990-13-01', '2026-01-01T00:00:00Z')).toBe(false);
  });
  it('birthday with a year compares as a date; without a year it matches no date comparison', () => {
    expect(run(P('birthday', 'before', '2000-01-01'), facts({ profile: { birthday: '1999-12-31' } }))).toBe(true);
    expect(run(P('birthday', 'before', '2000-01-01'), facts({ profile: { birthday: '--12-31' } }))).toBe(false);
    expect(run(P('birthday', 'exists'), facts({ profile: { birthday: '--12-31' } }))).toBe(true);
  });
});

describe('consent, tag, tier, lifecycle, segment', () => {
  const c = facts({ profile: { tags: ['vip'], consent: { email: { granted: true, updatedAt: ago(1), source: 'api' }, sms: { granted: false, updatedAt: ago(1), source: 'api' } } }, tier: 'gold', segments: ['seg-1'] });
  it('consent granted true/false: no decision counts as not granted', () => {
    expect(run({ kind: 'consent', channel: 'email', granted: true }, c)).toBe(true);
    expect(run({ kind: 'consent', channel: 'sms', granted: true }, c)).toBe(false);
    expect(run({ kind: 'consent', channel: 'sms', granted: false }, c)).toBe(true);
    expect(run({ kind: 'consent', channel: 'push', granted: false }, c)).toBe(true);
    expect(run({ kind: 'consent', channel: 'wechat', granted: true }, c)).toBe(false);
  });
  it('tag has / hasNot', () => {
    expect(run({ kind: 'tag', op: 'has', value: 'vip' }, c)).toBe(true);
    expect(run({ kind: 'tag', op: 'hasNot', value: 'vip' }, c)).toBe(false);
    expect(run({ kind: 'tag', op: 'hasNot', value: 'VIP' }, c)).toBe(true);
  });
  it('tier and lifecycle: eq, neq, in, nin; no label is neq/nin everything', () => {
    expect(run({ kind: 'tier', op: 'eq', value: 'gold' }, c)).toBe(true);
    expect(run({ kind: 'tier', op: 'neq', value: 'gold' }, c)).toBe(false);
    expect(run({ kind: 'tier', op: 'in', value: ['silver', 'gold'] }, c)).toBe(true);
    expect(run({ kind: 'tier', op: 'nin', value: ['silver', 'gold'] }, c)).toBe(false);
    expect(run({ kind: 'lifecycle', op: 'eq', value: 'active' }, c)).toBe(false);
    expect(run({ kind: 'lifecycle', op: 'neq', value: 'active' }, c)).toBe(true);
    expect(run({ kind: 'lifecycle', op: 'nin', value: ['active'] }, c)).toBe(true);
    expect(run({ kind: 'lifecycle', op: 'in', value: ['active', 'lapsed'] }, facts({ lifecycle: 'lapsed' }))).toBe(true);
  });
  it('segment in / notIn', () => {
    expect(run({ kind: 'segment', op: 'in', value: 'seg-1' }, c)).toBe(true);
    expect(run({ kind: 'segment', op: 'notIn', value: 'seg-1' }, c)).toBe(false);
    expect(run({ kind: 'segment', op: 'notIn', value: 'seg-2' }, c)).toBe(true);
  });
});

describe('rfm and prediction', () => {
  const c = facts({ rfm: { r: 4, f: 2, m: 5, group: 'Champions' }, predictions: { pAlive: 0.82, churnRisk: 0.1, expectedOrders90: 1.5, expectedOrders365: 4, clvMinor: 123_456 } });
  it('scores r, f, m with every numeric op; no scores match nothing', () => {
    expect(run({ kind: 'rfm', field: 'r', op: 'gte', value: 4 }, c)).toBe(true);
    expect(run({ kind: 'rfm', field: 'r', op: 'gt', value: 4 }, c)).toBe(false);
    expect(run({ kind: 'rfm', field: 'f', op: 'lt', value: 3 }, c)).toBe(true);
    expect(run({ kind: 'rfm', field: 'f', op: 'lte', value: 1 }, c)).toBe(false);
    expect(run({ kind: 'rfm', field: 'm', op: 'eq', value: 5 }, c)).toBe(true);
    expect(run({ kind: 'rfm', field: 'm', op: 'neq', value: 5 }, c)).toBe(false);
    expect(run({ kind: 'rfm', field: 'r', op: 'between', value: [3, 4] }, c)).toBe(true);
    expect(run({ kind: 'rfm', field: 'r', op: 'neq', value: 1 }, facts())).toBe(false);
  });
  it('group: eq, neq, in, nin over the named groups', () => {
    expect(run({ kind: 'rfm', field: 'group', op: 'eq', value: 'Champions' }, c)).toBe(true);
    expect(run({ kind: 'rfm', field: 'group', op: 'in', value: ['At risk', "Can't lose"] }, c)).toBe(false);
    expect(run({ kind: 'rfm', field: 'group', op: 'nin', value: ['At risk'] }, c)).toBe(true);
    expect(run({ kind: 'rfm', field: 'group', op: 'neq', value: 'Lost' }, facts())).toBe(true);
  });
  it('predictions; clv in major units of the base currency; none match nothing', () => {
    expect(run({ kind: 'prediction', field: 'pAlive', op: 'gte', value: 0.8 }, c)).toBe(true);
    expect(run({ kind: 'prediction', field: 'churnRisk', op: 'gt', value: 0.5 }, c)).toBe(false);
    expect(run({ kind: 'prediction', field: 'expectedOrders90', op: 'between', value: [1, 2] }, c)).toBe(true);
    expect(run({ kind: 'prediction', field: 'expectedOrders365', op: 'eq', value: 4 }, c)).toBe(true);
    expect(run({ kind: 'prediction', field: 'clv', op: 'gte', value: '1234.56' }, c)).toBe(true);
    expect(run({ kind: 'prediction', field: 'clv', op: 'gt', value: 1234.56, currency: 'USD' }, c)).toBe(false);
    expect(run({ kind: 'prediction', field: 'clv', op: 'eq', value: 123456 }, c, NOW, 'JPY')).toBe(true);
    expect(run({ kind: 'prediction', field: 'pAlive', op: 'lt', value: 1 }, facts())).toBe(false);
  });
  it('a clv currency other than the base currency is refused at compile time', () => {
    expect(() => compileCondition({ kind: 'prediction', field: 'clv', op: 'gt', value: 1, currency: 'EUR' }, { baseCurrency: 'USD' })).toThrow(ValidationError);
  });
});

describe('orders', () => {
  const c = facts({ aggregates: { orderCount: 4, spentMinor: { USD: 40_000, JPY: 5000 }, firstOrderAt: ago(400), lastOrderAt: ago(90) } });
  it('count', () => {
    expect(run({ kind: 'orders', field: 'count', op: 'gte', value: 4 }, c)).toBe(true);
    expect(run({ kind: 'orders', field: 'count', op: 'eq', value: 0 }, facts())).toBe(true);
  });
  it('totalSpent in major units, in the base currency unless named; no spend in a currency is 0', () => {
    expect(run({ kind: 'orders', field: 'totalSpent', op: 'gte', value: '400.00' }, c)).toBe(true);
    expect(run({ kind: 'orders', field: 'totalSpent', op: 'gt', value: 400 }, c)).toBe(false);
    expect(run({ kind: 'orders', field: 'totalSpent', op: 'eq', value: '5000', currency: 'JPY' }, c)).toBe(true);
    expect(run({ kind: 'orders', field: 'totalSpent', op: 'eq', value: 0, currency: 'EUR' }, c)).toBe(true);
    expect(run({ kind: 'orders', field: 'totalSpent', op: 'between', value: [100, '400.01'] }, c)).toBe(true);
    expect(run({ kind: 'orders', field: 'totalSpent', op: 'gte', value: 5000 }, c, NOW, 'JPY')).toBe(true);
  });
  it('averageOrderValue = spend in the currency / order count, exactly; no orders match nothing', () => {
    expect(run({ kind: 'orders', field: 'averageOrderValue', op: 'eq', value: 100 }, c)).toBe(true);
    expect(run({ kind: 'orders', field: 'averageOrderValue', op: 'gt', value: '99.99' }, c)).toBe(true);
    expect(run({ kind: 'orders', field: 'averageOrderValue', op: 'lt', value: '100.00' }, c)).toBe(false);
    expect(run({ kind: 'orders', field: 'averageOrderValue', op: 'lte', value: 100 }, c)).toBe(true);
    expect(run({ kind: 'orders', field: 'averageOrderValue', op: 'neq', value: 100 }, c)).toBe(false);
    expect(run({ kind: 'orders', field: 'averageOrderValue', op: 'gte', value: 100 }, c)).toBe(true);
    expect(run({ kind: 'orders', field: 'averageOrderValue', op: 'between', value: [50, 100] }, c)).toBe(true);
    expect(run({ kind: 'orders', field: 'averageOrderValue', op: 'lt', value: 1 }, facts())).toBe(false);
  });
  it('daysSinceFirstOrder / daysSinceLastOrder: whole days elapsed; no orders match nothing', () => {
    expect(run({ kind: 'orders', field: 'daysSinceLastOrder', op: 'gte', value: 90 }, c)).toBe(true);
    expect(run({ kind: 'orders', field: 'daysSinceLastOrder', op: 'eq', value: 90 }, c)).toBe(true);
    expect(run({ kind: 'orders', field: 'daysSinceLastOrder', op: 'gt', value: 90 }, c)).toBe(false);
    const justBefore = facts({ aggregates: { lastOrderAt: ago(90, -1) } });
    expect(run({ kind: 'orders', field: 'daysSinceLastOrder', op: 'lt', value: 90 }, justBefore)).toBe(true);
    expect(run({ kind: 'orders', field: 'daysSinceLastOrder', op: 'lte', value: 89 }, justBefore)).toBe(true);
    expect(run({ kind: 'orders', field: 'daysSinceFirstOrder', op: 'between', value: [365, 400] }, c)).toBe(true);
    expect(run({ kind: 'orders', field: 'daysSinceFirstOrder', op: 'neq', value: 1 }, facts())).toBe(false);
    expect(run({ kind: 'orders', field: 'daysSinceLastOrder', op: 'lt', value: 10_000 }, facts())).toBe(false);
  });
});

describe('behaviour: counts over the last N UTC days including today', () => {
  const c = facts({
    aggregates: { days: { '2026-03-10': 1, '2026-02-09': 2, '2026-02-08': 5 } },
    activity: { 'interaction:inquiry': { '2026-03-01': 2, '2026-03-09': 1, '2026-02-01': 4 }, 'checkout:abandoned': { '2026-03-10': 1 } },
  });
  const B = (event: string, withinDays: number, op: string, value: unknown) => run({ kind: 'behaviour', event, withinDays, op, value }, c);
  it('counts today and the N - 1 days before, not day N', () => {
    expect(B('order', 1, 'eq', 1)).toBe(true);
    expect(B('order', 29, 'eq', 1)).toBe(true);
    expect(B('order', 30, 'eq', 3)).toBe(true);
    expect(B('order', 31, 'eq', 8)).toBe(true);
    expect(B('interaction:inquiry', 30, 'gte', 3)).toBe(true);
    expect(B('interaction:inquiry', 30, 'gt', 3)).toBe(false);
    expect(B('interaction:inquiry', 2, 'lt', 2)).toBe(true);
    expect(B('interaction:inquiry', 10, 'lte', 3)).toBe(true);
    expect(B('interaction:inquiry', 60, 'between', [5, 7])).toBe(true);
    expect(B('interaction:inquiry', 60, 'neq', 7)).toBe(false);
    expect(B('checkout:abandoned', 1, 'gte', 1)).toBe(true);
  });
  it('a kind with no record counts 0', () => {
    expect(B('interaction:complaint', 30, 'eq', 0)).toBe(true);
    expect(B('product:SKU-1', 30, 'gte', 1)).toBe(false);
    expect(B('category:shoes', 400, 'lt', 1)).toBe(true);
  });
  it('the window moves with the evaluation time (one compiled tree, many instants)', () => {
    const test = compileCondition({ kind: 'behaviour', event: 'order', withinDays: 30, op: 'gte', value: 3 }, { baseCurrency: 'USD' });
    expect(test(c, NOW)).toBe(true);
    expect(test(c, new Date('2026-03-10T23:59:59.999Z'))).toBe(true);
    expect(test(c, new Date('2026-03-11T00:00:00.000Z'))).toBe(false);
    expect(test(c, NOW)).toBe(true);
  });
});

describe('groups', () => {
  const c = facts({ profile: { tags: ['a'] } });
  const yes = { kind: 'tag', op: 'has', value: 'a' };
  const no = { kind: 'tag', op: 'has', value: 'b' };
  it('all, any, not and nesting', () => {
    expect(run({ all: [] }, c)).toBe(true);
    expect(run({ all: [yes, yes] }, c)).toBe(true);
    expect(run({ all: [yes, no] }, c)).toBe(false);
    expect(run({ any: [no, yes] }, c)).toBe(true);
    expect(run({ any: [no, no] }, c)).toBe(false);
    expect(run({ not: no }, c)).toBe(true);
    expect(run({ not: { any: [no, { all: [yes, { not: no }] }] } }, c)).toBe(false);
  });
  it('gives the same answer for every order of the members (cheap ones run first)', () => {
    const members = [yes, no, { kind: 'behaviour', event: 'order', withinDays: 3, op: 'eq', value: 0 }, yes, yes, no];
    for (let k = 0; k < members.length; k++) {
      const rotated = [...members.slice(k), ...members.slice(0, k)];
      expect(run({ all: rotated }, c)).toBe(false);
      expect(run({ any: rotated }, c)).toBe(true);
      expect(run({ all: rotated.filter((m) => m !== no) }, c)).toBe(true);
      expect(run({ any: rotated.filter((m) => m === no) }, c)).toBe(false);
    }
  });
  it('refuses an invalid tree with a ValidationError', () => {
    expect(() => compileCondition({ all: [{ kind: 'tag', op: 'is', value: 'a' }] }, { baseCurrency: 'USD' })).toThrow('condition.all[0].op: must be one of "has", "hasNot"');
    expect(() => compileCondition(yes, { baseCurrency: 'usd' })).toThrow('baseCurrency: is not an ISO 4217 currency code');
  });
});
