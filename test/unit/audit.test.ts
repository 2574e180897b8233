import { auditTarget, auditValue, bodyFields, diffFields } from '../../shared/domain/audit';
import { maskCustomer } from '../../shared/domain/masking';
import { piiVisibility, PII_FIELDS, visiblePii } from '../../shared/domain/roles';
import type { Customer } from '../../shared/domain/customer';

describe('audit records', () => {
  it('keep changed fields with personal values masked and other values as they are', () => {
    const changes = diffFields('customer', 'C1', { email: 'jane@example.com', city: 'Hangzhou', tags: ['a'], version: 1 }, { email: 'june@example.com', city: 'Suzhou', tags: ['a'], version: 2 });
    expect(changes).toEqual([
      { entity: 'customer', id: 'C1', field: 'email', before: 'j***@example.com', after: 'j***@example.com' },
      { entity: 'customer', id: 'C1', field: 'city', before: 'Hangzhou', after: 'Suzhou' },
    ]);
  });

  it('record added and removed fields, and mask personal values nested in objects', () => {
    const changes = diffFields('customer', 'C1', { phone: '+8613812345678' }, { name: 'Li Lei', contact: { email: 'li@example.com', role: 'buyer' } });
    expect(changes).toEqual([
      { entity: 'customer', id: 'C1', field: 'phone', before: '138****5678' },
      { entity: 'customer', id: 'C1', field: 'name', after: 'L***' },
      { entity: 'customer', id: 'C1', field: 'contact', after: { email: 'l***@example.com', role: 'buyer' } },
    ]);
  });

  it('cut long values', () => {
    expect(String(auditValue('note', 'x'.repeat(500))).length).toBe(201);
  });

  it('name the object from the path, or from the answer of a create', () => {
    expect(auditTarget('/v1/customers/{id}/merge', { id: 'C1' }, { id: 'M1' })).toEqual({ type: 'customers', id: 'C1' });
    expect(auditTarget('/v1/tickets', undefined, { id: 'T1' })).toEqual({ type: 'tickets', id: 'T1' });
    expect(auditTarget('/v1/segments/preview', undefined, { count: 3 })).toBeUndefined();
  });

  it('keep the names of the fields sent, never their values', () => {
    expect(bodyFields({ email: 'x@y.z', version: 2 })).toEqual(['email', 'version']);
    expect(bodyFields([1, 2])).toBeUndefined();
  });
});

describe('field-level masking by role', () => {
  const c = { id: 'C1', name: 'Wang Fang', email: 'fang@example.com', phone: '+8613812345678', birthday: '1990-04-05', externalId: 'E-1' } as Customer;

  it('shows a marketer the name only and an analyst nothing', () => {
    expect(maskCustomer(c, visiblePii(['marketer']))).toMatchObject({ name: 'Wang Fang', email: 'f***@example.com', phone: '138****5678', birthday: '1990-04-**', externalId: '***' });
    expect(maskCustomer(c, visiblePii(['analyst']))).toMatchObject({ name: 'W***', email: 'f***@example.com' });
  });

  it('shows everything to roles that serve the customer, and unions several roles', () => {
    expect(maskCustomer(c, visiblePii(['agent']))).toEqual(c);
    expect(maskCustomer(c, visiblePii(['analyst', 'sales']))).toEqual(c);
  });

  it('lists only known fields for every role', () => {
    for (const fields of Object.values(piiVisibility())) for (const f of fields) expect(PII_FIELDS).toContain(f);
  });
});
