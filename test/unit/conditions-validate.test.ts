import { conditionIssues, parseCondition } from '../../shared/domain/conditions';
import { ValidationError } from '../../shared/domain/errors';

const issues = (tree: unknown, baseCurrency?: string) => conditionIssues(tree, baseCurrency ? { baseCurrency } : {});
const first = (tree: unknown, baseCurrency?: string) => issues(tree, baseCurrency)[0];
const leafAt = (leaf: unknown) => ({ all: [{ kind: 'tag', op: 'has', value: 'a' }, { kind: 'tag', op: 'has', value: 'b' }, { any: [leaf] }] });

describe('condition validation', () => {
  it('accepts a tree using every kind', () => {
    const tree = {
      all: [
        { kind: 'profile', field: 'email', op: 'contains', value: '@example.com' },
        { kind: 'profile', field: 'attributes.plan', op: 'in', value: ['pro', 3, true] },
        { kind: 'profile', field: 'createdAt', op: 'between', value: ['2025-01-01', '2025-12-31T23:59:59+08:00'] },
        { kind: 'profile', field: 'birthday', op: 'birthdayThisMonth' },
        { kind: 'consent', channel: 'wechat', granted: true },
        { any: [{ kind: 'tag', op: 'hasNot', value: 'blocked' }, { kind: 'tier', op: 'in', value: ['gold'] }, { kind: 'lifecycle', op: 'eq', value: 'active' }] },
        { kind: 'rfm', field: 'group', op: 'nin', value: ['Lost', "Can't lose"] },
        { kind: 'rfm', field: 'm', op: 'between', value: [2, 5] },
        { kind: 'prediction', field: 'clv', op: 'gt', value: '99.90', currency: 'USD' },
        { kind: 'orders', field: 'averageOrderValue', op: 'gte', value: 50, currency: 'JPY' },
        { not: { kind: 'behaviour', event: 'interaction:complaint', withinDays: 30, op: 'gte', value: 1 } },
        { kind: 'behaviour', event: 'product:SKU-1', withinDays: 400, op: 'eq', value: 0 },
        { kind: 'segment', op: 'notIn', value: 'seg_01' },
      ],
    };
    expect(issues(tree, 'USD')).toEqual([]);
    expect(parseCondition(tree)).toBe(tree);
  });

  it('names the node by its JSON path', () => {
    expect(first(leafAt({ kind: 'orders', field: 'count', op: 'gte', value: 'many' }))).toEqual({ field: 'condition.all[2].any[0].value', message: 'must be an integer from 0 to 1000000000' });
    expect(first({ not: { kind: 'wat' } })?.field).toBe('condition.not.kind');
    expect(conditionIssues({ any: [{ kind: 'tag', op: 'has' }] }, { root: 'audience' })).toEqual([{ field: 'audience.any[0].value', message: 'is required' }]);
  });

  it('throws a ValidationError (HTTP 400) listing every problem', () => {
    try {
      parseCondition({ all: [{ kind: 'tag', op: 'has', value: '' }, { kind: 'segment', op: 'in' }] });
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const v = e as ValidationError;
      expect(v.status).toBe(400);
      expect(v.message).toBe('condition.all[0].value: must not be empty (and 1 more problem)');
      expect(v.issues).toEqual([
        { field: 'condition.all[0].value', message: 'must not be empty' },
        { field: 'condition.all[1].value', message: 'is required' },
      ]);
      expect(v.extra).toEqual({ errors: v.issues });
    }
  });

  it.each([
    ['not an object', 'x', 'condition', /must be an object/],
    ['no kind and no group', {}, 'condition', /must have a "kind"/],
    ['two groups in one node', { all: [], any: [] }, 'condition.any', /cannot be combined with "all"/],
    ['a group member beside kind', { kind: 'tag', op: 'has', value: 'a', all: [] }, 'condition.all', /is not allowed in a condition with a "kind"/],
    ['an unknown member of a group', { all: [], where: 1 }, 'condition.where', /is not a field of an "all" group/],
    ['a group that is not a list', { any: {} }, 'condition.any', /must be a list/],
    ['an empty any', { any: [] }, 'condition.any', /at least one condition/],
    ['an unknown kind', { kind: 'profiles' }, 'condition.kind', /must be one of "profile"/],
    ['an unknown field of a leaf', { kind: 'tag', op: 'has', value: 'a', vaule: 'b' }, 'condition.vaule', /is not a field of a tag condition/],
    ['an unknown profile field', { kind: 'profile', field: 'nickname', op: 'exists' }, 'condition.field', /must be a profile field/],
    ['an empty attribute key', { kind: 'profile', field: 'attributes.', op: 'exists' }, 'condition.field', /attributes.<key>/],
    ['an unknown op', { kind: 'profile', field: 'email', op: 'startsWith', value: 'a' }, 'condition.op', /must be one of/],
    ['an op of another type of field', { kind: 'profile', field: 'email', op: 'gt', value: 1 }, 'condition.op', /does not apply to field email; use one of eq, neq/],
    ['birthday ops on a date field', { kind: 'profile', field: 'createdAt', op: 'birthdayThisMonth' }, 'condition.op', /does not apply/],
    ['a value with exists', { kind: 'profile', field: 'email', op: 'exists', value: true }, 'condition.value', /must be absent with op "exists"/],
    ['a gender that is not one', { kind: 'profile', field: 'gender', op: 'eq', value: 'f' }, 'condition.value', /must be one of "female"/],
    ['an empty in list', { kind: 'profile', field: 'country', op: 'in', value: [] }, 'condition.value', /list of 1 to 100/],
    ['a bad item of an in list', { kind: 'profile', field: 'country', op: 'in', value: ['US', 5] }, 'condition.value[1]', /must be a string/],
    ['an object as an attribute value', { kind: 'profile', field: 'attributes.a', op: 'eq', value: { x: 1 } }, 'condition.value', /string, a finite number or a boolean/],
    ['a date without a zone', { kind: 'profile', field: 'createdAt', op: 'gt', value: '2026-01-01T10:00:00' }, 'condition.value', /time-zone offset/],
    ['an impossible date', { kind: 'profile', field: 'createdAt', op: 'before', value: '2026-02-30' }, 'condition.value', /must be a date/],
    ['a number for a date field', { kind: 'profile', field: 'createdAt', op: 'gte', value: 5 }, 'condition.value', /must be a date/],
    ['a reversed range', { kind: 'profile', field: 'createdAt', op: 'between', value: ['2026-02-01', '2026-01-01'] }, 'condition.value[1]', /must not be less than the first/],
    ['a mixed range', { kind: 'profile', field: 'attributes.x', op: 'between', value: [1, '2026-01-01'] }, 'condition.value[1]', /same type/],
    ['a range of one', { kind: 'rfm', field: 'r', op: 'between', value: [1] }, 'condition.value', /\[from, to\]/],
    ['withinLastDays out of range', { kind: 'profile', field: 'createdAt', op: 'withinLastDays', value: 0 }, 'condition.value', /from 1 to 3650/],
    ['birthdayInNextDays out of range', { kind: 'profile', field: 'birthday', op: 'birthdayInNextDays', value: 366 }, 'condition.value', /from 0 to 365/],
    ['a consent channel', { kind: 'consent', channel: 'fax', granted: true }, 'condition.channel', /"email", "sms", "wechat", "push"/],
    ['consent granted not a boolean', { kind: 'consent', channel: 'sms', granted: 'yes' }, 'condition.granted', /true or false/],
    ['a tag op', { kind: 'tag', op: 'in', value: 'a' }, 'condition.op', /"has", "hasNot"/],
    ['a tier list for eq', { kind: 'tier', op: 'eq', value: ['gold'] }, 'condition.value', /must be a string/],
    ['an rfm score out of range', { kind: 'rfm', field: 'f', op: 'gte', value: 6 }, 'condition.value', /integer from 1 to 5/],
    ['an unknown rfm group', { kind: 'rfm', field: 'group', op: 'in', value: ['Champions', 'Sleepy'] }, 'condition.value[1]', /must be one of "Champions"/],
    ['an rfm field', { kind: 'rfm', field: 'x', op: 'eq', value: 1 }, 'condition.field', /"r", "f", "m", "group"/],
    ['a probability above 1', { kind: 'prediction', field: 'churnRisk', op: 'gt', value: 1.5 }, 'condition.value', /from 0 to 1/],
    ['a currency on a probability', { kind: 'prediction', field: 'pAlive', op: 'gt', value: 0.5, currency: 'USD' }, 'condition.currency', /only allowed with field clv/],
    ['an unknown currency', { kind: 'orders', field: 'totalSpent', op: 'gt', value: 1, currency: 'XYZ' }, 'condition.currency', /not an ISO 4217 currency code/],
    ['an unknown clv currency', { kind: 'prediction', field: 'clv', op: 'gt', value: 1, currency: 'XYZ' }, 'condition.currency', /not an ISO 4217 currency code/],
    ['a lower-case currency', { kind: 'orders', field: 'totalSpent', op: 'gt', value: 1, currency: 'usd' }, 'condition.currency', /upper-case ISO 4217/],
    ['too many decimals', { kind: 'orders', field: 'totalSpent', op: 'gt', value: '1.5', currency: 'JPY' }, 'condition.value', /more decimals than JPY allows/],
    ['a negative amount', { kind: 'orders', field: 'totalSpent', op: 'gt', value: -1 }, 'condition.value', /must not be negative/],
    ['a text amount', { kind: 'orders', field: 'averageOrderValue', op: 'gt', value: 'ten' }, 'condition.value', /decimal amount/],
    ['a currency on count', { kind: 'orders', field: 'count', op: 'gt', value: 1, currency: 'USD' }, 'condition.currency', /only allowed with fields totalSpent/],
    ['a fractional day count', { kind: 'orders', field: 'daysSinceLastOrder', op: 'gt', value: 1.5 }, 'condition.value', /integer from 0 to 36500/],
    ['an orders field', { kind: 'orders', field: 'total', op: 'gt', value: 1 }, 'condition.field', /"count", "totalSpent"/],
    ['an unknown event', { kind: 'behaviour', event: 'visit', withinDays: 7, op: 'gte', value: 1 }, 'condition.event', /"order", "checkout:abandoned"/],
    ['an unknown interaction type', { kind: 'behaviour', event: 'interaction:hug', withinDays: 7, op: 'gte', value: 1 }, 'condition.event', /inquiry, complaint/],
    ['a product without a name', { kind: 'behaviour', event: 'product:', withinDays: 7, op: 'gte', value: 1 }, 'condition.event', /product:<name>/],
    ['a window too long', { kind: 'behaviour', event: 'order', withinDays: 401, op: 'gte', value: 1 }, 'condition.withinDays', /from 1 to 400/],
    ['a window missing', { kind: 'behaviour', event: 'order', op: 'gte', value: 1 }, 'condition.withinDays', /is required/],
    ['a segment op', { kind: 'segment', op: 'eq', value: 's' }, 'condition.op', /"in", "notIn"/],
  ])('refuses %s', (_, tree, field, message) => {
    const got = first(tree);
    expect(got?.field).toBe(field);
    expect(got?.message).toMatch(message);
  });

  it('checks amounts against the base currency when it is known', () => {
    const tree = { kind: 'orders', field: 'totalSpent', op: 'gt', value: '10.5' };
    expect(issues(tree)).toEqual([]);
    expect(first(tree, 'JPY')).toEqual({ field: 'condition.value', message: 'has more decimals than JPY allows (0)' });
    expect(first({ ...tree, value: '1.00001' })).toEqual({ field: 'condition.value', message: 'has more decimals than any currency allows' });
    expect(first({ kind: 'prediction', field: 'clv', op: 'gt', value: 1, currency: 'EUR' }, 'USD')).toEqual({ field: 'condition.currency', message: 'must be the base currency USD: CLV is computed in it' });
  });

  it('refuses trees deeper than 8 levels, naming the first node too deep', () => {
    let tree: unknown = { kind: 'tag', op: 'has', value: 'a' };
    for (let i = 0; i < 7; i++) tree = { not: tree };
    expect(issues(tree)).toEqual([]);
    expect(first({ all: [tree] })).toEqual({ field: `condition.all[0]${'.not'.repeat(7)}`, message: 'is nested deeper than 8 levels' });
  });

  it('refuses more than 100 nodes, naming the 101st', () => {
    const leaf = { kind: 'tag', op: 'has', value: 'a' };
    expect(issues({ all: Array(99).fill(leaf) })).toEqual([]);
    expect(issues({ all: Array(100).fill(leaf) })).toEqual([{ field: 'condition.all[99]', message: 'makes the condition larger than 100 nodes' }]);
  });

  it('reports at most 50 problems', () => {
    expect(issues({ all: Array(99).fill({ kind: 'x' }) })).toHaveLength(50);
  });
});
