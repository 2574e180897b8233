import { anonymizedProfile, dueAt, isOverdue, scrubbed } from '../../shared/domain/privacy';
import { requestIdFrom } from '../../shared/usecases/privacy/requests';
import type { Customer } from '../../shared/domain/customer';

describe('erasure rules', () => {
  const c: Customer = {
    id: 'C1', name: 'Li Lei', email: 'li@example.com', phone: '+8613812345678', gender: 'male', birthday: '1990-01-02', country: 'CN', region: 'ZJ', city: 'Hangzhou',
    sourceChannel: 'shopify', store: 's1', externalId: 'E1', platformIds: [{ platform: 'shopify', store: 's1', id: '9' }], consent: { email: { granted: true, updatedAt: 't', source: 'x' } },
    tags: ['vip'], attributes: { shoeSize: 42 }, createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z', version: 3, status: 'active', timeZone: 'Asia/Shanghai',
  };

  it('keeps what reports group by and drops everything that names or reaches the person', () => {
    const a = anonymizedProfile(c, '2026-11-22T00:00:00.000Z');
    expect(a).toEqual({ id: 'C1', country: 'CN', region: 'ZJ', sourceChannel: 'shopify', store: 's1', platformIds: [], consent: {}, tags: ['vip'], attributes: {}, createdAt: c.createdAt, updatedAt: '2026-11-22T00:00:00.000Z', version: 4, status: 'active', erasedAt: '2026-11-22T00:00:00.000Z' });
  });

  it('blanks free text and drops contact fields at any depth, keeping ids, amounts and dates', () => {
    const item = { id: 'T1', kind: 'interaction', summary: 'Li Lei called', occurredAt: '2026-01-01', data: { amountMinor: 500, to: 'li@example.com', note: 'ring 138', nested: [{ email: 'x@y.z', body: 'hi' }] } };
    expect(scrubbed(item)).toEqual({ id: 'T1', kind: 'interaction', summary: '[erased]', occurredAt: '2026-01-01', data: { amountMinor: 500, note: '[erased]', nested: [{ body: '[erased]' }] } });
  });

  it('gives a request a 30-day deadline, overdue until completed', () => {
    const r = { status: 'running' as const, dueAt: dueAt('2026-01-01T00:00:00.000Z') };
    expect(r.dueAt).toBe('2026-01-31T00:00:00.000Z');
    expect(isOverdue(r, '2026-02-01T00:00:00.000Z')).toBe(true);
    expect(isOverdue({ ...r, status: 'completed' }, '2026-02-01T00:00:00.000Z')).toBe(false);
    expect(isOverdue(r, '2026-01-15T00:00:00.000Z')).toBe(false);
  });

  it('makes the same request id from the same platform delivery, a valid id', () => {
    expect(requestIdFrom('platform:e1')).toBe(requestIdFrom('platform:e1'));
    expect(requestIdFrom('platform:e1')).not.toBe(requestIdFrom('platform:e2'));
    expect(requestIdFrom('platform:e1')).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});
