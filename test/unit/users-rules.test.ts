import { ValidationError } from '../../shared/domain/errors';
import { ROLES } from '../../shared/domain/roles';
import { assertGrant, assertManager, assertNotSelfLockout, assertRoles, grantAllows, isServiceStaff, roleDiff, routeFamily, USER_ROLES } from '../../shared/domain/users';

const issuesOf = (fn: () => unknown): { field: string; message: string }[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues;
    throw e;
  }
  return [];
};

describe('user roles', () => {
  it('offers every role but integration to people', () => {
    expect([...USER_ROLES, 'integration'].sort()).toEqual([...ROLES].sort());
  });

  it.each([
    [['agent'], []],
    [['admin', 'manager'], []],
    [[], ['roles']],
    [['integration'], ['roles.0']],
    [['agent', 'root'], ['roles.1']],
    [['agent', 'agent'], ['roles']],
  ])('%j → issues on %j', (roles, fields) => {
    expect(issuesOf(() => assertRoles(roles)).map((i) => i.field)).toEqual(fields);
  });

  it('knows service staff and the group changes between two role sets', () => {
    expect(isServiceStaff(['agent'])).toBe(true);
    expect(isServiceStaff(['manager', 'analyst'])).toBe(true);
    expect(isServiceStaff(['marketer', 'sales'])).toBe(false);
    expect(roleDiff(['agent', 'sales'], ['sales', 'manager'])).toEqual({ add: ['manager'], remove: ['agent'] });
    expect(roleDiff(['agent'], ['agent'])).toEqual({ add: [], remove: [] });
  });
});

describe('managers', () => {
  it('refuses oneself, a loop through the reporting line, and a line deeper than the limit', () => {
    expect(() => assertManager('amy', 'boss', ['ceo'])).not.toThrow();
    expect(issuesOf(() => assertManager('amy', 'amy', []))[0]!.message).toContain('own manager');
    expect(issuesOf(() => assertManager('ceo', 'amy', ['boss', 'ceo']))[0]!.message).toContain('loop');
    expect(issuesOf(() => assertManager('x', 'y', Array.from({ length: 21 }, (_, i) => `m${i}`)))[0]!.message).toContain('deeper');
  });

  it('keeps an administrator from disabling themselves or dropping their own admin role', () => {
    expect(issuesOf(() => assertNotSelfLockout('root', 'root', { disable: true }, ['admin'])).map((i) => i.field)).toEqual(['id']);
    expect(issuesOf(() => assertNotSelfLockout('root', 'root', { roles: ['manager'] }, ['admin'])).map((i) => i.field)).toEqual(['roles']);
    expect(issuesOf(() => assertNotSelfLockout('root', 'root', { roles: ['admin', 'manager'] }, ['admin']))).toEqual([]);
    expect(issuesOf(() => assertNotSelfLockout('root', 'amy', { disable: true }, ['admin']))).toEqual([]);
  });
});

describe('integration grants', () => {
  const route = { operationId: 'createCustomer', path: '/v1/customers' };
  it('names a route family by the first segment under /v1', () => {
    expect(routeFamily('/v1/customers/{id}/tags')).toBe('customers');
    expect(routeFamily('/v1/me/notifications/{id}/read')).toBe('me');
    expect(routeFamily('/v1/integration-clients')).toBe('integration-clients');
  });

  it('allows a route only by an active grant naming its operation or family (deny by default)', () => {
    expect(grantAllows(undefined, route)).toBe(false);
    expect(grantAllows({ active: true, operations: [], families: [] }, route)).toBe(false);
    expect(grantAllows({ active: true, operations: ['createCustomer'], families: [] }, route)).toBe(true);
    expect(grantAllows({ active: true, operations: [], families: ['customers'] }, route)).toBe(true);
    expect(grantAllows({ active: true, operations: [], families: ['customers'] }, { operationId: 'listTickets', path: '/v1/tickets' })).toBe(false);
    expect(grantAllows({ active: false, operations: ['createCustomer'], families: ['customers'] }, route)).toBe(false);
  });

  it('refuses malformed or repeated names in a grant, naming each', () => {
    expect(issuesOf(() => assertGrant({ operations: ['createCustomer', 'Create Customer'], families: ['customers', 'customers'] })).map((i) => i.field)).toEqual(['operations.1', 'families']);
    expect(issuesOf(() => assertGrant({ operations: [], families: ['../etc'] })).map((i) => i.field)).toEqual(['families.0']);
  });
});
