import { applyPatch, duplicateReasons, newCustomer, planMerge, purgeDate, revertMerge, validateLimits, type Customer } from '../../shared/domain/customer';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-02-01T00:00:00.000Z';
const base = (over: Partial<Customer> = {}): Customer => ({ ...newCustomer('A', { name: 'Jane', city: 'Shanghai' }, T0), ...over });

describe('newCustomer', () => {
  it('starts at version 1, active, with consent stamped and tags de-duplicated', () => {
    const c = newCustomer('X', { email: 'a@b.co', tags: ['vip', ' vip ', ''], consent: { email: { granted: true } } }, T0);
    expect(c).toMatchObject({ id: 'X', version: 1, status: 'active', tags: ['vip'], createdAt: T0, updatedAt: T0 });
    expect(c.consent.email).toEqual({ granted: true, updatedAt: T0, source: 'api' });
    expect(c).not.toHaveProperty('name');
  });
});

describe('applyPatch', () => {
  it('changes, clears and bumps the version once', () => {
    const { next, changed } = applyPatch(base({ region: 'SH' }), { name: 'Janet', region: null }, T1);
    expect(changed.sort()).toEqual(['name', 'region']);
    expect(next).toMatchObject({ name: 'Janet', version: 2, updatedAt: T1 });
    expect(next).not.toHaveProperty('region');
  });

  it('is a no-op when nothing differs', () => {
    const c = base();
    const { next, changed } = applyPatch(c, { name: 'Jane', city: 'Shanghai' }, T1);
    expect(changed).toEqual([]);
    expect(next.version).toBe(1);
  });

  it('merges attributes key by key; null removes a key', () => {
    const { next } = applyPatch(base({ attributes: { a: 1, b: 'x' } }), { attributes: { b: null, c: true } }, T1);
    expect(next.attributes).toEqual({ a: 1, c: true });
  });

  it('restamps consent only when the decision changes', () => {
    const c = newCustomer('A', { consent: { sms: { granted: true, source: 'pos' } } }, T0);
    expect(applyPatch(c, { consent: { sms: { granted: true, source: 'pos' } } }, T1).changed).toEqual([]);
    const { next } = applyPatch(c, { consent: { sms: { granted: false } } }, T1);
    expect(next.consent.sms).toEqual({ granted: false, updatedAt: T1, source: 'api' });
  });
});

describe('validateLimits', () => {
  it('names tags and attributes over their limits', () => {
    const attributes = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    const fields = validateLimits({ tags: Array.from({ length: 101 }, (_, i) => `t${i}`), attributes }).map((i) => i.field);
    expect(fields).toEqual(['tags', 'attributes']);
    expect(validateLimits({ tags: [], attributes: { big: 'x'.repeat(5000) } })[0]?.message).toMatch(/4096 bytes/);
  });
});

describe('planMerge and revertMerge', () => {
  const target = base({ id: 'T', email: 't@x.co', tags: ['vip'], platformIds: [{ platform: 'shopify', store: 's', id: '1' }], consent: { email: { granted: true, updatedAt: T0, source: 'a' } } });
  const source = base({
    id: 'S',
    email: 's@x.co',
    phone: '+8613812345678',
    birthday: '1990-05-01',
    tags: ['vip', 'wechat-fan'],
    platformIds: [{ platform: 'shopify', store: 's', id: '2' }],
    attributes: { size: 'M' },
    consent: { email: { granted: false, updatedAt: T1, source: 'unsub' } },
  });

  it('keeps the target values, fills blanks, unites lists, newest consent wins', () => {
    const plan = planMerge(target, source, T1);
    expect(plan.merged).toMatchObject({ id: 'T', email: 't@x.co', phone: '+8613812345678', birthday: '1990-05-01', version: 2 });
    expect(plan.merged.tags).toEqual(['vip', 'wechat-fan']);
    expect(plan.merged.platformIds.map((p) => p.id)).toEqual(['1', '2']);
    expect(plan.merged.consent.email?.granted).toBe(false);
    expect(plan.filled).toEqual({ phone: '+8613812345678', birthday: '1990-05-01' });
  });

  it('reverts what the merge brought, but not values changed since', () => {
    const plan = planMerge(target, source, T1);
    const edited = { ...plan.merged, birthday: '1991-01-01' };
    const reverted = revertMerge(edited, plan, T1);
    expect(reverted).not.toHaveProperty('phone');
    expect(reverted.birthday).toBe('1991-01-01');
    expect(reverted.tags).toEqual(['vip']);
    expect(reverted.platformIds.map((p) => p.id)).toEqual(['1']);
    expect(reverted.attributes).toEqual({});
    expect(reverted.version).toBe(3);
  });
});

describe('duplicateReasons', () => {
  it('finds same name and city, same name and birthday', () => {
    const a = base({ id: 'A', name: 'Li  Lei', birthday: '1990-01-01' });
    const b = base({ id: 'B', name: 'li lei', city: 'shanghai', birthday: '1990-01-01' });
    expect(duplicateReasons(a, b)).toEqual(['same-name-and-city', 'same-name-and-birthday']);
  });
  it('ignores the same profile, other cities and profiles not live', () => {
    const a = base({ id: 'A' });
    expect(duplicateReasons(a, a)).toEqual([]);
    expect(duplicateReasons(a, base({ id: 'B', city: 'Beijing' }))).toEqual([]);
    expect(duplicateReasons(a, base({ id: 'B', status: 'deleted' }))).toEqual([]);
  });
});

it('purges 30 days after deletion', () => {
  expect(purgeDate('2026-01-01T10:00:00.000Z')).toBe('2026-01-31T10:00:00.000Z');
});
