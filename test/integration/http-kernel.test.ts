import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handler as create } from '../../functions/http/customers/create';
import { handler as get } from '../../functions/http/customers/get';
import { handler as update } from '../../functions/http/customers/update';
import { setDeps, type Deps } from '../../shared/runtime/deps';
import { testDeps } from '../support/db';

let deps: Deps;
beforeAll(async () => {
  deps = await testDeps();
  setDeps(deps);
});
afterAll(() => setDeps(undefined));

const event = (over: { method?: string; routeKey?: string; body?: unknown; rawBody?: string; headers?: Record<string, string>; groups?: string[] | null; params?: Record<string, string>; b64?: boolean }) => ({
  version: '2.0',
  routeKey: over.routeKey ?? 'POST /v1/customers',
  rawPath: '/v1/customers',
  rawQueryString: '',
  headers: { 'content-type': 'application/json', ...over.headers },
  body: over.rawBody ?? (over.body === undefined ? undefined : JSON.stringify(over.body)),
  isBase64Encoded: over.b64 ?? false,
  pathParameters: over.params,
  requestContext: {
    requestId: 'req-1',
    http: { method: over.method ?? 'POST', path: '/v1/customers' },
    authorizer: over.groups === null ? undefined : { jwt: { claims: { sub: 'user-1', 'cognito:groups': `[${(over.groups ?? ['admin']).join(' ')}]` }, scopes: [] } },
  },
});

const call = async (h: (e: never, c: never) => Promise<unknown>, e: unknown) => {
  const res = (await h(e as never, {} as never)) as APIGatewayProxyStructuredResultV2;
  return { status: res.statusCode, headers: res.headers ?? {}, body: res.body ? JSON.parse(res.body) : undefined };
};

describe('the HTTP kernel', () => {
  it('creates with 201, a location header and secure headers', async () => {
    const r = await call(create, event({ body: { name: 'Kai', email: 'KAI@Example.com ' } }));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'Kai', email: 'kai@example.com', version: 1 });
    expect(r.headers.location).toBe(`/v1/customers/${r.body.id}`);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('reads base64 bodies as API Gateway sends them', async () => {
    const r = await call(create, event({ rawBody: Buffer.from(JSON.stringify({ name: 'B64' })).toString('base64'), b64: true }));
    expect(r.status).toBe(201);
  });

  it.each([
    ['unknown field', { body: { name: 'x', isAdmin: true } }, 400, 'isAdmin'],
    ['wrong type', { body: { name: 5 } }, 400, 'name'],
    ['bad email', { body: { email: 'nope' } }, 400, 'email'],
    ['bad phone', { body: { phone: '12' } }, 400, 'phone'],
    ['future birthday', { body: { birthday: '2999-01-01' } }, 400, 'birthday'],
    ['malformed JSON', { rawBody: '{"name":' }, 400, 'body'],
    ['missing body', {}, 400, 'body'],
  ])('answers %s with a problem naming the field', async (_n, over, status, field) => {
    const r = await call(create, event(over));
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(JSON.stringify(r.body.errors)).toContain(field);
    expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts/);
  });

  it('answers 415, 413, 401 and 403 as problems', async () => {
    expect((await call(create, event({ body: { name: 'x' }, headers: { 'content-type': 'text/plain' } }))).status).toBe(415);
    expect((await call(create, event({ rawBody: JSON.stringify({ name: 'x'.repeat(70_000) }) }))).status).toBe(413);
    expect((await call(create, event({ body: { name: 'x' }, groups: null }))).status).toBe(401);
    const forbidden = await call(create, event({ body: { name: 'x' }, groups: ['analyst'] }));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.detail).toContain('customers:write');
  });

  it('masks PII for roles without pii:read', async () => {
    const made = await call(create, event({ body: { name: 'Mia Wong', email: 'mia@example.com', phone: '13812345678' } }));
    const seen = await call(get, event({ method: 'GET', routeKey: 'GET /v1/customers/{id}', params: { id: made.body.id }, groups: ['analyst'] }));
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ email: 'm***@example.com', phone: '138****5678', name: 'M***' });
  });

  it('replays an Idempotency-Key retry and refuses the key with another body', async () => {
    const headers = { 'idempotency-key': 'abc-123' };
    const a = await call(create, event({ body: { name: 'Idem' }, headers }));
    const b = await call(create, event({ body: { name: 'Idem' }, headers }));
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect((await call(create, event({ body: { name: 'Other' }, headers }))).status).toBe(422);
  });

  it('answers 409 on a stale version and 404 on an unknown id', async () => {
    const made = await call(create, event({ body: { name: 'Ver' } }));
    const patch = (version: number) => event({ method: 'PATCH', routeKey: 'PATCH /v1/customers/{id}', params: { id: made.body.id }, body: { version, city: 'Xi’an' } });
    expect((await call(update, patch(1))).status).toBe(200);
    const stale = await call(update, patch(1));
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(2);
    const missing = await call(get, event({ method: 'GET', params: { id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' } }));
    expect(missing.status).toBe(404);
    const badId = await call(get, event({ method: 'GET', params: { id: 'not-an-id' } }));
    expect(badId.status).toBe(400);
  });
});

describe('public routes', () => {
  it('run without a token (they authenticate in the handler, like a signed webhook)', async () => {
    const { httpHandler } = await import('../../shared/http/handler');
    const { defineRoute } = await import('../../shared/api/contract');
    const z = await import('zod/mini');
    const open = httpHandler(
      defineRoute({ operationId: 'ping', method: 'GET', path: '/v1/ping', permission: 'public', summary: 'ping', tag: 't', response: () => z.object({ sub: z.string() }), status: 200 }),
      async ({ principal }) => ({ body: { sub: principal.sub } }),
    );
    const r = await call(open as never, event({ method: 'GET', routeKey: 'GET /v1/ping', groups: null }));
    expect(r).toMatchObject({ status: 200, body: { sub: 'anonymous' } });
  });
});
