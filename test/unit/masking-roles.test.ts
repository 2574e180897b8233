import { maskCustomer, maskEmail, maskPhone } from '../../shared/domain/masking';
import { can, permissionsOf, ROLES } from '../../shared/domain/roles';
import { newCustomer } from '../../shared/domain/customer';
import { principalFromClaims } from '../../shared/http/principal';

describe('masking', () => {
  it('masks like the manuals show', () => {
    expect(maskPhone('+8613812345678')).toBe('138****5678');
    expect(maskEmail('jane@example.com')).toBe('j***@example.com');
  });
  it('masks a whole profile down to city level', () => {
    const c = maskCustomer(newCustomer('A', { name: 'Jane Doe', email: 'jane@example.com', phone: '+8613812345678', birthday: '1990-05-17', city: 'Shanghai', externalId: 'E1' }, '2026-01-01T00:00:00Z'));
    expect(c).toMatchObject({ name: 'J***', email: 'j***@example.com', phone: '138****5678', birthday: '1990-05-**', city: 'Shanghai', externalId: '***' });
  });
});

describe('roles', () => {
  it('gives admin everything and the analyst no PII and no writes', () => {
    expect(permissionsOf(['admin']).size).toBeGreaterThan(5);
    expect(can(['analyst'], 'customers:read')).toBe(true);
    expect(can(['analyst'], 'pii:read')).toBe(false);
    expect(can(['analyst'], 'customers:write')).toBe(false);
    expect(can(['agent'], 'customers:merge')).toBe(false);
    expect(can(['agent', 'manager'], 'customers:merge')).toBe(true);
  });

  it('reads groups the way API Gateway flattens them, and ignores unknown roles', () => {
    expect(principalFromClaims({ sub: 'u', 'cognito:groups': '[agent sales]' })?.roles).toEqual(['agent', 'sales']);
    expect(principalFromClaims({ sub: 'u', 'cognito:groups': ['manager', 'root'] })?.roles).toEqual(['manager']);
    expect(principalFromClaims({ 'cognito:groups': ['admin'] })).toBeUndefined();
    expect(principalFromClaims({ sub: 'u' })?.can('customers:read')).toBe(false);
    expect(ROLES).toContain('integration');
  });
});

describe('nationalNumber', () => {
  it.each([
    ['+8613812345678', '13812345678'],
    ['+14155552671', '4155552671'],
    ['+442079460958', '2079460958'],
    ['+79161234567', '9161234567'],
    ['+85291234567', '91234567'],
    ['+971501234567', '501234567'],
  ])('splits %s', (e164, national) => {
    const { nationalNumber } = jest.requireActual('../../shared/domain/masking') as typeof import('../../shared/domain/masking');
    expect(nationalNumber(e164)).toBe(national);
  });
});
