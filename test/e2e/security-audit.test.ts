import { httpFunctions } from '../../infra/wiring';
import { startTestStack, unique, type TestStack } from './helpers';

/** The audit trail and field-level masking over HTTP in the local stack (issue 7). */
let s: TestStack;
beforeAll(async () => {
  s = await startTestStack();
}, 60_000);
afterAll(() => s?.stop());

describe('the audit trail', () => {
  it('records a profile edit with who, where, and the changed fields masked', async () => {
    const u = unique('audit');
    const created = await s.call('POST', '/v1/customers', { role: 'manager', body: { name: u.name, email: u.email, city: 'Hangzhou' } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const other = unique('audit2');
    const updated = await s.call('PATCH', `/v1/customers/${id}`, { role: 'manager', body: { version: 1, email: other.email, city: 'Suzhou' }, headers: { 'user-agent': 'audit-test/1' } });
    expect(updated.status).toBe(200);

    const trail = await s.call('GET', `/v1/audit?targetType=customers&targetId=${id}`, { role: 'admin' });
    expect(trail.status).toBe(200);
    expect(trail.body.items.map((r: { action: string }) => r.action)).toEqual(['updateCustomer', 'createCustomer']);
    const [edit, create] = trail.body.items;
    expect(edit).toMatchObject({ kind: 'write', actor: { sub: 'local-manager', roles: ['manager'] }, method: 'PATCH', path: `/v1/customers/${id}`, status: 200, target: { type: 'customers', id } });
    expect(edit.source).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1|::1/), userAgent: 'audit-test/1' });
    expect(edit.fields).toEqual(['version', 'email', 'city']);
    expect(edit.changes).toEqual(
      expect.arrayContaining([
        { entity: 'customer', id, field: 'city', before: 'Hangzhou', after: 'Suzhou' },
        { entity: 'customer', id, field: 'email', before: `${u.email[0]}***@example.com`, after: `${other.email[0]}***@example.com` },
      ]),
    );
    expect(create.changes.find((c: { field: string }) => c.field === 'email')).toEqual({ entity: 'customer', id, field: 'email', after: `${u.email[0]}***@example.com` });
    // No plaintext personal data in the trail.
    expect(JSON.stringify(trail.body)).not.toContain(u.email);
    expect(JSON.stringify(trail.body)).not.toContain(other.email);

    const mine = await s.call('GET', `/v1/audit?actor=local-manager`, { role: 'admin' });
    expect(mine.body.items.filter((r: { target?: { id: string } }) => r.target?.id === id)).toHaveLength(2);
    const recent = await s.call('GET', `/v1/audit`, { role: 'admin' });
    expect(recent.body.items.some((r: { id: string }) => r.id === edit.id)).toBe(true);
  });

  it('records refused writes, and no route edits or deletes a record', async () => {
    const u = unique('denied');
    const refused = await s.call('POST', '/v1/customers', { role: 'analyst', body: { name: u.name } });
    expect(refused.status).toBe(403);
    const trail = await s.call('GET', `/v1/audit?actor=local-analyst`, { role: 'admin' });
    expect(trail.body.items[0]).toMatchObject({ kind: 'denied', action: 'createCustomer', status: 403 });
    expect(httpFunctions().filter((f) => f.http.path.startsWith('/v1/audit')).map((f) => f.http.method)).toEqual(['GET']);
    expect((await s.call('GET', '/v1/audit', { role: 'manager' })).status).toBe(200);
    expect((await s.call('GET', '/v1/audit', { role: 'marketer' })).status).toBe(403);
  });

  it('refuses malformed queries with the field named', async () => {
    const bad = await s.call('GET', '/v1/audit?targetType=customers', { role: 'admin' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('targetId');
    const long = await s.call('GET', '/v1/audit?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z', { role: 'admin' });
    expect(long.status).toBe(400);
    expect(long.text).toContain('31 days');
  });
});

describe('masking and reveal', () => {
  it('masks by role, and a reveal needs a reason and is recorded', async () => {
    const u = unique('reveal');
    const created = await s.call('POST', '/v1/customers', { role: 'manager', body: { name: u.name, email: u.email, phone: '+8613812345678' } });
    const id = created.body.id as string;
    const asMarketer = await s.call('GET', `/v1/customers/${id}`, { role: 'marketer' });
    expect(asMarketer.body).toMatchObject({ name: u.name, email: `${u.email[0]}***@example.com`, phone: '138****5678' });
    const asAnalyst = await s.call('GET', `/v1/customers/${id}/360`, { role: 'analyst' });
    expect(asAnalyst.body.profile.name).not.toBe(u.name);
    expect(JSON.stringify(asAnalyst.body)).not.toContain(u.email);

    const noReason = await s.call('POST', `/v1/customers/${id}/reveal`, { role: 'marketer', body: { fields: ['email'], reason: 'x' } });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('reason');
    expect((await s.call('POST', `/v1/customers/${id}/reveal`, { role: 'analyst', body: { fields: ['email'], reason: 'customer asked by phone' } })).status).toBe(403);
    const shown = await s.call('POST', `/v1/customers/${id}/reveal`, { role: 'marketer', body: { fields: ['email', 'phone'], reason: 'customer complaint #123 needs a call back' } });
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({ id, fields: { email: u.email, phone: '+8613812345678' } });

    const trail = await s.call('GET', `/v1/audit?targetType=customers&targetId=${id}`, { role: 'admin' });
    expect(trail.body.items[0]).toMatchObject({ kind: 'reveal', actor: { sub: 'local-marketer' }, reason: 'customer complaint #123 needs a call back', revealed: ['email', 'phone'] });
  });
});
