import { compileCondition, compileTimer, nextChangeAt, type CustomerFacts } from '../../shared/domain/conditions';

const t = (s: string) => new Date(s);
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
const ctx = { baseCurrency: 'USD' };
const next = (tree: unknown, f: CustomerFacts, now: string) => nextChangeAt(tree, f, t(now), ctx)?.toISOString();

/** The value just before the change equals the value now, and differs at the change. */
function expectFlipAt(tree: unknown, f: CustomerFacts, now: string, at: string): void {
  expect(next(tree, f, now)).toBe(t(at).toISOString());
  const test = compileCondition(tree, ctx);
  expect(test(f, new Date(t(at).getTime() - 1))).toBe(test(f, t(now)));
  expect(test(f, t(at))).toBe(!test(f, t(now)));
}

describe('nextChangeAt', () => {
  const ordered = facts({ profile: { tags: ['vip'] }, aggregates: { orderCount: 1, spentMinor: { USD: 100 }, firstOrderAt: '2025-06-01T08:30:00.000Z', lastOrderAt: '2026-01-01T10:00:00.000Z', days: { '2026-01-01': 1 } } });

  it('is undefined when nothing reads the clock', () => {
    expect(next({ all: [{ kind: 'tag', op: 'has', value: 'vip' }, { kind: 'orders', field: 'count', op: 'gte', value: 1 }] }, ordered, '2026-01-02T00:00:00Z')).toBeUndefined();
    expect(next({ kind: 'profile', field: 'createdAt', op: 'before', value: '2026-06-01' }, ordered, '2026-01-02T00:00:00Z')).toBeUndefined();
  });

  describe('days since an order', () => {
    const gte90 = { kind: 'orders', field: 'daysSinceLastOrder', op: 'gte', value: 90 };
    it('gte N flips at the order time + N days, exactly', () => {
      expectFlipAt(gte90, ordered, '2026-01-02T00:00:00Z', '2026-04-01T10:00:00.000Z');
      expect(next(gte90, ordered, '2026-04-01T09:59:59.999Z')).toBe('2026-04-01T10:00:00.000Z');
      expect(next(gte90, ordered, '2026-04-01T10:00:00.000Z')).toBeUndefined();
    });
    it('gt, lt, lte, eq, neq, between flip at their thresholds', () => {
      const at = (op: string, value: unknown, now: string) => next({ kind: 'orders', field: 'daysSinceLastOrder', op, value }, ordered, now);
      expect(at('gt', 90, '2026-01-02T00:00:00Z')).toBe('2026-04-02T10:00:00.000Z');
      expect(at('lt', 10, '2026-01-02T00:00:00Z')).toBe('2026-01-11T10:00:00.000Z');
      expect(at('lte', 10, '2026-01-02T00:00:00Z')).toBe('2026-01-12T10:00:00.000Z');
      expect(at('eq', 10, '2026-01-02T00:00:00Z')).toBe('2026-01-11T10:00:00.000Z');
      expect(at('eq', 10, '2026-01-11T10:00:00Z')).toBe('2026-01-12T10:00:00.000Z');
      expect(at('neq', 10, '2026-01-12T10:00:00Z')).toBeUndefined();
      expect(at('between', [5, 6], '2026-01-02T00:00:00Z')).toBe('2026-01-06T10:00:00.000Z');
      expect(at('between', [5, 6], '2026-01-06T10:00:00Z')).toBe('2026-01-08T10:00:00.000Z');
      expectFlipAt({ kind: 'orders', field: 'daysSinceFirstOrder', op: 'lt', value: 365 }, ordered, '2026-01-02T00:00:00Z', '2026-06-01T08:30:00.000Z');
    });
    it('a customer without orders never matches, so nothing changes', () => {
      expect(next(gte90, facts(), '2026-01-02T00:00:00Z')).toBeUndefined();
    });
  });

  describe('behaviour windows', () => {
    const f = facts({ activity: { 'interaction:inquiry': { '2026-03-01': 2, '2026-03-05': 1 } } });
    const withFuture = facts({ activity: { 'interaction:inquiry': { '2026-03-01': 2, '2026-03-05': 1, '2026-03-20': 4 } } });
    const inquiries = (op: string, value: unknown, withinDays = 30) => ({ kind: 'behaviour', event: 'interaction:inquiry', withinDays, op, value });
    it('flips when a counted day leaves the window (start of day + N)', () => {
      expectFlipAt(inquiries('gte', 3), f, '2026-03-10T12:00:00Z', '2026-03-31T00:00:00.000Z');
      expectFlipAt(inquiries('gte', 2, 7), f, '2026-03-06T00:00:00Z', '2026-03-08T00:00:00.000Z');
      expect(next(inquiries('gte', 3), f, '2026-03-30T23:59:59.999Z')).toBe('2026-03-31T00:00:00.000Z');
      expect(next(inquiries('gte', 3), f, '2026-03-31T00:00:00.000Z')).toBeUndefined();
    });
    it('skips days whose leaving does not change the answer', () => {
      expectFlipAt(inquiries('gte', 1), f, '2026-03-10T12:00:00Z', '2026-04-04T00:00:00.000Z');
      expectFlipAt(inquiries('eq', 0), f, '2026-03-10T12:00:00Z', '2026-04-04T00:00:00.000Z');
      expectFlipAt(inquiries('gte', 1), withFuture, '2026-03-21T12:00:00Z', '2026-04-19T00:00:00.000Z');
    });
    it('a day in the future enters the window at its start', () => {
      expectFlipAt(inquiries('gt', 5), withFuture, '2026-03-10T12:00:00Z', '2026-03-20T00:00:00.000Z');
      expectFlipAt({ kind: 'behaviour', event: 'order', withinDays: 1, op: 'eq', value: 1 }, facts({ aggregates: { days: { '2026-03-11': 1 } } }), '2026-03-10T12:00:00Z', '2026-03-11T00:00:00.000Z');
    });
    it('nothing to count, nothing changes', () => {
      expect(next(inquiries('lt', 1), facts(), '2026-03-10T12:00:00Z')).toBeUndefined();
      expect(next({ kind: 'behaviour', event: 'order', withinDays: 30, op: 'gte', value: 1 }, ordered, '2026-03-10T12:00:00Z')).toBeUndefined();
    });
  });

  describe('date fields', () => {
    const f = facts({ profile: { createdAt: '2026-03-01T06:00:00.000Z', attributes: { trialEnds: '2026-04-01' } } });
    it('withinLastDays leaves the window N days after the date; a future date enters at the date', () => {
      expectFlipAt({ kind: 'profile', field: 'createdAt', op: 'withinLastDays', value: 7 }, f, '2026-03-02T00:00:00Z', '2026-03-08T06:00:00.000Z');
      expectFlipAt({ kind: 'profile', field: 'createdAt', op: 'withinLastDays', value: 7 }, f, '2026-02-01T00:00:00Z', '2026-03-01T06:00:00.000Z');
      expectFlipAt({ kind: 'profile', field: 'attributes.trialEnds', op: 'withinLastDays', value: 1 }, f, '2026-04-01T00:00:00Z', '2026-04-02T00:00:00.000Z');
      expect(next({ kind: 'profile', field: 'createdAt', op: 'withinLastDays', value: 7 }, f, '2026-03-08T06:00:00Z')).toBeUndefined();
    });
    it('notWithinLastDays starts N days after the date', () => {
      expectFlipAt({ kind: 'profile', field: 'createdAt', op: 'notWithinLastDays', value: 30 }, f, '2026-02-01T00:00:00Z', '2026-03-31T06:00:00.000Z');
      expect(next({ kind: 'profile', field: 'createdAt', op: 'notWithinLastDays', value: 30 }, f, '2026-03-31T06:00:00Z')).toBeUndefined();
      expect(next({ kind: 'profile', field: 'attributes.none', op: 'notWithinLastDays', value: 30 }, f, '2026-03-31T06:00:00Z')).toBeUndefined();
    });
  });

  describe('birthdays', () => {
    const born = (birthday: string) => facts({ profile: { birthday } });
    const within = (n: number) => ({ kind: 'profile', field: 'birthday', op: 'birthdayInNextDays', value: n });
    it('birthdayInNextDays turns true N days before and false the day after', () => {
      expectFlipAt(within(7), born('1990-05-20'), '2026-05-01T10:00:00Z', '2026-05-13T00:00:00.000Z');
      expectFlipAt(within(7), born('1990-05-20'), '2026-05-13T00:00:00Z', '2026-05-21T00:00:00.000Z');
      expectFlipAt(within(0), born('--05-20'), '2026-05-20T23:59:59.999Z', '2026-05-21T00:00:00.000Z');
      expectFlipAt(within(7), born('1990-05-20'), '2026-05-21T00:00:00Z', '2027-05-13T00:00:00.000Z');
    });
    it('wraps the year end', () => {
      expectFlipAt(within(5), born('--01-02'), '2026-12-01T00:00:00Z', '2026-12-28T00:00:00.000Z');
      expectFlipAt(within(5), born('--01-02'), '2026-12-30T00:00:00Z', '2027-01-03T00:00:00.000Z');
    });
    it('keeps a Feb 29 birthday on Feb 28 in common years', () => {
      expectFlipAt(within(0), born('2000-02-29'), '2027-02-01T00:00:00Z', '2027-02-28T00:00:00.000Z');
      expectFlipAt(within(0), born('2000-02-29'), '2027-02-28T00:00:00Z', '2027-03-01T00:00:00.000Z');
      expectFlipAt(within(0), born('2000-02-29'), '2028-02-01T00:00:00Z', '2028-02-29T00:00:00.000Z');
      expectFlipAt(within(1), born('--02-29'), '2028-02-29T00:00:00Z', '2028-03-01T00:00:00.000Z');
    });
    it('a window as long as the year flips only around a long gap, or never', () => {
      // 2027-03-01 to the next birthday 2028-03-01 is 366 days: 364 is too short that day only.
      expectFlipAt(within(364), born('--03-01'), '2027-01-01T00:00:00Z', '2027-03-02T00:00:00.000Z');
      expectFlipAt(within(364), born('--03-01'), '2027-03-02T00:00:00Z', '2027-03-03T00:00:00.000Z');
      const always = next(within(365), born('--03-01'), '2027-01-01T00:00:00Z');
      // Never changes: the answer may be undefined or a later re-check, never a change.
      if (always !== undefined) expect(compileCondition(within(365), ctx)(born('--03-01'), t(always))).toBe(true);
    });
    it('birthdayThisMonth flips at month starts', () => {
      const m = { kind: 'profile', field: 'birthday', op: 'birthdayThisMonth' };
      expectFlipAt(m, born('1990-05-20'), '2026-01-15T00:00:00Z', '2026-05-01T00:00:00.000Z');
      expectFlipAt(m, born('1990-05-20'), '2026-05-01T00:00:00Z', '2026-06-01T00:00:00.000Z');
      expectFlipAt(m, born('1990-05-20'), '2026-06-01T00:00:00Z', '2027-05-01T00:00:00.000Z');
      expectFlipAt(m, born('--12-31'), '2026-12-31T23:59:59.999Z', '2027-01-01T00:00:00.000Z');
      expect(next(m, facts(), '2026-12-31T23:59:59.999Z')).toBeUndefined();
    });
  });

  describe('groups', () => {
    const soon = { kind: 'orders', field: 'daysSinceLastOrder', op: 'gte', value: 10 };
    const later = { kind: 'orders', field: 'daysSinceFirstOrder', op: 'gte', value: 400 };
    const has = (tag: string) => ({ kind: 'tag', op: 'has', value: tag });
    const now = '2026-01-02T00:00:00Z';
    it('a member that settles the group and never changes stops the clock', () => {
      expect(next({ all: [has('nope'), soon] }, ordered, now)).toBeUndefined();
      expect(next({ any: [has('vip'), soon] }, ordered, now)).toBeUndefined();
      expect(next({ all: [has('vip'), { not: soon }] }, ordered, now)).toBe('2026-01-11T10:00:00.000Z');
      // A clock-reading member that already settled for good also stops it.
      expect(next({ all: [{ kind: 'orders', field: 'daysSinceLastOrder', op: 'lt', value: 1 }, soon] }, ordered, now)).toBeUndefined();
    });
    it('steps over leaf changes that do not change the tree', () => {
      // soon flips on Jan 11 but the tree stays false until later turns true too.
      expectFlipAt({ all: [soon, later] }, ordered, now, '2026-07-06T08:30:00.000Z');
      expectFlipAt({ any: [{ not: soon }, later] }, ordered, now, '2026-01-11T10:00:00.000Z');
    });
    it('without a base currency, a money amount with no currency makes the answer the first leaf change', () => {
      const tree = { all: [{ kind: 'orders', field: 'totalSpent', op: 'gt', value: 1000 }, soon] };
      expect(nextChangeAt(tree, ordered, t(now))?.toISOString()).toBe('2026-01-11T10:00:00.000Z');
      expect(nextChangeAt(tree, ordered, t(now), ctx)).toBeUndefined();
      expect(nextChangeAt({ all: [{ ...tree.all[0], currency: 'USD' }, soon] }, ordered, t(now))).toBeUndefined();
    });
    it('compileTimer answers the same as nextChangeAt, for any instant', () => {
      const timer = compileTimer({ all: [soon, later] }, ctx);
      for (const at of ['2025-12-01T00:00:00Z', now, '2026-07-06T08:29:59.999Z']) expect(timer(ordered, t(at))?.toISOString()).toBe(next({ all: [soon, later] }, ordered, at));
      expect(timer(ordered, t('2026-07-06T08:30:00Z'))).toBeUndefined();
    });
  });
});
