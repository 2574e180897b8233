import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateKeys, mintToken } from '../../infra/local/tokens';
import { httpFunctions } from '../../infra/wiring';
import { fields, startTestStack, unique, type TestStack } from './helpers';

/** Customer profiles over real HTTP against the local stack: validation, auth, masking, lists. */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

const create = (body: Record<string, unknown>, role: 'admin' | 'analyst' = 'admin') => t.call('POST', '/v1/customers', { body, role });

describe('creating customers', () => {
  it('creates a profile (201, location) and refuses a duplicate e-mail in another case with 409 naming the existing profile', async () => {
    const u = unique('dup');
    const first = await create({ name: u.name, email: u.email });
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(`/v1/customers/${first.body.id}`);
    expect(first.body).toMatchObject({ email: u.email, status: 'active', version: 1 });

    const again = await create({ name: 'Someone else', email: `  ${u.email.toUpperCase()} ` });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(again.body).toMatchObject({ status: 409, field: 'email', existingCustomerId: first.body.id });
  });

  it('normalizes a phone with the default region CN to E.164 and names a malformed phone', async () => {
    const ok = await create({ name: unique().name, phone: '138 1234 5678' });
    expect(ok.status).toBe(201);
    expect(ok.body.phone).toBe('+8613812345678');

    const bad = await create({ name: unique().name, phone: '12-ab' });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toContain('phone');
  });

  it('refuses unknown fields, other media types, oversized bodies and a missing body', async () => {
    const unknown = await create({ name: unique().name, isAdmin: true });
    expect(unknown.status).toBe(400);
    expect(fields(unknown)).toContain('isAdmin');

    const text = await t.call('POST', '/v1/customers', { raw: JSON.stringify({ name: 'x' }), headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);

    const big = await t.call('POST', '/v1/customers', { raw: Buffer.alloc(10 * 1024 * 1024 + 10, 'a'), headers: { 'content-type': 'application/json' } });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/problem\+json/);

    // Under API Gateway's 10 MB but over the function's own limit (CRM_MAX_BODY_BYTES, 64 KB).
    const overFunctionLimit = await create({ name: 'x', attributes: { note: 'y'.repeat(70_000) } });
    expect(overFunctionLimit.status).toBe(413);

    const empty = await t.call('POST', '/v1/customers', { raw: '', headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);
  });

  it('returns the first answer to a retry with the same Idempotency-Key', async () => {
    const u = unique('idem');
    const headers = { 'idempotency-key': `key-${u.email}` };
    const a = await t.call('POST', '/v1/customers', { body: { name: u.name, email: u.email }, headers });
    const b = await t.call('POST', '/v1/customers', { body: { name: u.name, email: u.email }, headers });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('authorization', () => {
  it('answers 401 without a token, with an expired one and with one signed by another key', async () => {
    const none = await t.call('GET', '/v1/customers', { role: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/problem\+json/);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);

    const expired = await t.call('GET', '/v1/customers', { token: await t.stack.mintToken('admin', { ttlSeconds: -120 }) });
    expect(expired.status).toBe(401);
    expect(expired.body.detail).toMatch(/expired/);

    const otherDir = mkdtempSync(join(tmpdir(), 'crm-forger-'));
    try {
      const forged = await mintToken(loadOrCreateKeys(otherDir), { role: 'admin' });
      expect((await t.call('GET', '/v1/customers', { token: forged })).status).toBe(401);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
    const good = await t.stack.mintToken('admin');
    const [h, p, s] = good.split('.');
    const tampered = JSON.parse(Buffer.from(p!, 'base64url').toString());
    tampered['cognito:groups'] = ['admin', 'manager'];
    const edited = `${h}.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${s}`;
    expect((await t.call('GET', '/v1/customers', { token: edited })).status).toBe(401);
  });

  it('masks e-mail and phone for an analyst and refuses an analyst write with 403', async () => {
    const u = unique('mask');
    const created = await create({ name: u.name, email: u.email, phone: '13812345679' });
    expect(created.status).toBe(201);
    const seen = await t.call('GET', `/v1/customers/${created.body.id}`, { role: 'analyst' });
    expect(seen.status).toBe(200);
    expect(seen.body.email).toBe(`${u.email[0]}***@example.com`);
    expect(seen.body.phone).toBe('138****5679');
    expect(seen.text).not.toContain(u.email);

    const write = await create({ name: unique().name }, 'analyst');
    expect(write.status).toBe(403);
    expect(write.headers.get('content-type')).toMatch(/problem\+json/);
  });
});

describe('updates and lists', () => {
  it('answers 409 to a PATCH with a stale version', async () => {
    const c = await create({ name: unique().name, city: 'Hangzhou' });
    const p1 = await t.call('PATCH', `/v1/customers/${c.body.id}`, { body: { version: 1, city: 'Suzhou' } });
    expect(p1.status).toBe(200);
    expect(p1.body).toMatchObject({ city: 'Suzhou', version: 2 });
    const stale = await t.call('PATCH', `/v1/customers/${c.body.id}`, { body: { version: 1, city: 'Nanjing' } });
    expect(stale.status).toBe(409);
    expect((await t.call('GET', `/v1/customers/${c.body.id}`)).body.city).toBe('Suzhou');
  });

  it('pages through the list with cursors, without duplicates, and refuses a bad cursor', async () => {
    const mine = new Set<string>();
    for (let i = 0; i < 5; i++) mine.add((await create({ name: unique('page').name })).body.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await t.call('GET', `/v1/customers?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((c: { id: string }) => c.id));
      cursor = res.body.cursor;
      pages++;
    } while (cursor && pages < 100);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of mine) expect(seen).toContain(id);
    expect(pages).toBeGreaterThanOrEqual(3);

    const bad = await t.call('GET', '/v1/customers?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(fields(bad).join()).toMatch(/cursor/);
  });

  it('searches by e-mail, phone and name prefix', async () => {
    const u = unique('search');
    const c = await create({ name: `Zhao ${u.name}`, email: u.email, phone: '+86 139 0000 1234' });
    expect(c.status).toBe(201);
    const byEmail = await t.call('GET', `/v1/customers?email=${encodeURIComponent(u.email.toUpperCase())}`);
    expect(byEmail.body.items.map((x: { id: string }) => x.id)).toEqual([c.body.id]);
    const byPhone = await t.call('GET', '/v1/customers?phone=13900001234');
    expect(byPhone.body.items.map((x: { id: string }) => x.id)).toEqual([c.body.id]);
    const byName = await t.call('GET', `/v1/customers?name=${encodeURIComponent(`zhao ${u.name.slice(0, 8)}`)}`);
    expect(byName.status).toBe(200);
    expect(byName.body.items.map((x: { id: string }) => x.id)).toContain(c.body.id);
    const none = await t.call('GET', '/v1/customers?name=nobody-has-this-name');
    expect(none.body.items).toEqual([]);
  });
});

describe('the local API gateway', () => {
  it('answers unknown routes 404 problem+json, CORS preflights, /health and /docs', async () => {
    const missing = await t.call('GET', '/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await t.call('PUT', '/v1/customers')).status).toBe(404);

    const pre = await fetch(`${t.stack.url}/v1/customers`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const evil = await t.call('GET', '/v1/customers', { headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const ok = await t.call('GET', '/v1/customers', { headers: { origin: 'http://localhost:3000' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');

    expect((await t.call('GET', '/health', { role: null })).body.status).toBe('ok');
    const docs = await fetch(`${t.stack.url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/openapi.json');
  });

  it('serves an OpenAPI 3.1 document with every wired route', async () => {
    const res = await t.call('GET', '/openapi.json', { role: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    for (const fn of httpFunctions()) {
      const op = res.body.paths[fn.http.path]?.[fn.http.method.toLowerCase()];
      expect(op).toBeDefined();
      expect(op.operationId).toBe(fn.http.operationId);
      expect(op.responses[String(fn.http.status)]).toBeDefined();
      if (fn.http.permission !== 'public') expect(op.security).toEqual([{ bearerAuth: [] }]);
      if (fn.http.idempotent) expect(op.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
    }
    const create = res.body.paths['/v1/customers'].post;
    expect(create.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(create.responses['400'].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    expect(Object.keys(res.body.paths['/v1/imports/{id}/errors'].get.responses['200'].content)).toEqual(['text/csv']);
  });
});
