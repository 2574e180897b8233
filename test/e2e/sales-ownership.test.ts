import { routeKey } from '../../shared/api/contract';
import { httpFunctions } from '../../infra/wiring';
import { startTestStack, type Api, type TestStack } from './helpers';

/**
 * The ownership rule on every pipeline route, over HTTP on the local stack: rep A (amy) owns the
 * objects, rep B (bob) is denied — 404 for someone else's lead, opportunity, quote, contract or
 * collections (nothing changes), 403 for listing another rep's or for a permission reps lack,
 * 409 for claiming a lead someone owns — and the manager (boss, pipeline:all) is allowed. The
 * routes come from the wiring table: a pipeline route without a scenario here fails the test.
 */
let t: TestStack;
const tok: Record<string, string> = {};
type Who = 'amy' | 'bob' | 'boss' | 'ana' | 'site';
const call = (who: Who, method: string, path: string, body?: unknown) => t.call(method, path, { token: tok[who]!, ...(body !== undefined ? { body } : {}) });
const expectStatus = (res: Api, status: number, what: string) => expect({ what, status: res.status, body: res.status === status ? undefined : res.text }).toEqual({ what, status, body: undefined });

let n = 0;
const uniq = () => `${Date.now().toString(36)}${++n}`;
let accountId = '';

const make = {
  lead: async (owner: 'amy' | null = 'amy') => {
    const u = uniq();
    const res = owner === 'amy' ? await call('amy', 'POST', '/v1/leads', { sourceChannel: 'phone', company: `Own ${u} Trading`, email: `own.${u}@example.com`, region: 'Nowhere' }) : await call('boss', 'POST', '/v1/leads', { sourceChannel: 'phone', company: `Pool ${u} Trading`, region: 'Nowhere', ownerId: null });
    expectStatus(res, 201, 'fixture lead');
    return res.body.id as string;
  },
  opp: async () => {
    const res = await call('amy', 'POST', '/v1/opportunities', { name: `Deal ${uniq()}`, customerId: accountId, amountMinor: 100_000, expectedCloseDate: '2030-01-31' });
    expectStatus(res, 201, 'fixture opportunity');
    return res.body.id as string;
  },
  quote: async (send = false) => {
    const res = await call('amy', 'POST', '/v1/quotes', { opportunityId: await make.opp(), lines: [{ name: 'K2', quantity: 2, unitPriceMinor: 50_000 }] });
    expectStatus(res, 201, 'fixture quote');
    if (send) expectStatus(await call('amy', 'POST', `/v1/quotes/${res.body.id}/status`, { status: 'sent' }), 200, 'send the quote');
    return res.body.id as string;
  },
  contract: async (opts: { active?: boolean; plan?: boolean } = {}) => {
    const res = await call('amy', 'POST', '/v1/contracts', { title: `Supply ${uniq()}`, customerId: accountId, amountMinor: 100_000, startDate: '2026-01-01', endDate: '2030-12-31' });
    expectStatus(res, 201, 'fixture contract');
    const id = res.body.id as string;
    if (opts.active) expectStatus(await call('amy', 'POST', `/v1/contracts/${id}/status`, { status: 'active', signedOn: '2026-01-01' }), 200, 'sign');
    if (opts.plan) expectStatus(await call('amy', 'PUT', `/v1/contracts/${id}/collection-plan`, { instalments: [{ dueDate: '2030-01-31', amountMinor: 100_000 }] }), 200, 'plan');
    return id;
  },
};

/**
 * Someone else's object: bob is refused (404 unless said otherwise) and the object does not
 * change; its owner and the manager (on a fresh one, for writes) succeed.
 */
function objectRoute(method: string, path: (id: string) => string, fresh: () => Promise<string>, opts: { body?: unknown; ok?: number; read?: (id: string) => string; other?: number } = {}) {
  return async () => {
    const ok = opts.ok ?? 200;
    const a = await fresh();
    const before = opts.read ? (await call('amy', 'GET', opts.read(a))).body : undefined;
    expectStatus(await call('bob', method, path(a), opts.body), opts.other ?? 404, `bob ${method} on amy's`);
    if (opts.read) expect((await call('amy', 'GET', opts.read(a))).body).toEqual(before);
    expectStatus(await call('amy', method, path(a), opts.body), ok, `amy ${method} on hers`);
    const b = method === 'GET' ? a : await fresh();
    expectStatus(await call('boss', method, path(b), opts.body), ok, `boss ${method} on amy's`);
  };
}

/** A list: bob may not ask for amy's (403) and his own does not show hers; amy's and the manager's do. */
function listRoute(path: string, find: () => Promise<string>, key = 'id', extra = '') {
  return async () => {
    const id = await find();
    const ids = (res: Api) => (res.body.items as Record<string, string>[]).map((i) => i[key]);
    expectStatus(await call('bob', 'GET', `${path}?ownerId=amy${extra}`), 403, 'bob lists amy’s');
    const bobs = await call('bob', 'GET', `${path}?limit=100${extra}`);
    expectStatus(bobs, 200, 'bob lists his own');
    expect(ids(bobs)).not.toContain(id);
    const amys = await call('amy', 'GET', `${path}?limit=100${extra}`);
    expect(ids(amys)).toContain(id);
    const boss = await call('boss', 'GET', `${path}?ownerId=amy&limit=100${extra}`);
    expect(ids(boss)).toContain(id);
  };
}

/** A permission reps lack: both reps 403, the manager (or the given caller) allowed. */
function permissionRoute(method: string, path: string, body?: () => Promise<unknown>, allowed: Who = 'boss', ok = 200) {
  return async () => {
    const b = body ? await body() : undefined;
    expectStatus(await call('bob', method, path, b), 403, 'bob');
    expectStatus(await call('amy', method, path, b), 403, 'amy');
    expectStatus(await call(allowed, method, path, b), ok, String(allowed));
  };
}

const settingsBody = async () => {
  const s = (await call('boss', 'GET', '/v1/pipeline/settings')).body;
  const { updatedAt: _u, updatedBy: _b, ...rest } = s;
  return rest;
};

const SCENARIOS: Record<string, () => Promise<void>> = {
  'POST /v1/leads': async () => {
    const body = () => ({ sourceChannel: 'phone', company: `Create ${uniq()} Ltd`, ownerId: 'amy' });
    expectStatus(await call('bob', 'POST', '/v1/leads', body()), 403, 'bob creates for amy');
    expectStatus(await call('amy', 'POST', '/v1/leads', body()), 201, 'amy for herself');
    const boss = await call('boss', 'POST', '/v1/leads', body());
    expectStatus(boss, 201, 'boss for amy');
    expect(boss.body.ownerId).toBe('amy');
  },
  'POST /v1/lead-intake': permissionRoute('POST', '/v1/lead-intake', async () => ({ sourceChannel: 'website-form', company: `Intake ${uniq()} Co` }), 'site', 201),
  'GET /v1/leads': listRoute('/v1/leads', () => make.lead()),
  'GET /v1/leads/{id}': async () => {
    await objectRoute('GET', (id) => `/v1/leads/${id}`, () => make.lead())();
    // The pool's leads are everyone's to read.
    expectStatus(await call('bob', 'GET', `/v1/leads/${await make.lead(null)}`), 200, 'bob reads a pool lead');
  },
  'PATCH /v1/leads/{id}': async () => {
    await objectRoute('PATCH', (id) => `/v1/leads/${id}`, () => make.lead(), { body: { needs: 'changed' }, read: (id) => `/v1/leads/${id}` })();
    const pool = await call('bob', 'PATCH', `/v1/leads/${await make.lead(null)}`, { needs: 'changed' });
    expectStatus(pool, 409, 'bob changes a pool lead');
    expect(pool.body.rule).toBe('claim-first');
  },
  'POST /v1/leads/{id}/claim': async () => {
    const mine = await make.lead();
    const res = await call('bob', 'POST', `/v1/leads/${mine}/claim`);
    expectStatus(res, 409, 'bob claims amy’s');
    expect(res.body.rule).toBe('lead-owned');
    expect((await call('amy', 'GET', `/v1/leads/${mine}`)).body.ownerId).toBe('amy');
    expectStatus(await call('amy', 'POST', `/v1/leads/${await make.lead(null)}/claim`), 200, 'amy claims from the pool');
    expectStatus(await call('boss', 'POST', `/v1/leads/${await make.lead(null)}/claim`), 200, 'boss claims from the pool');
  },
  'POST /v1/leads/{id}/release': objectRoute('POST', (id) => `/v1/leads/${id}/release`, () => make.lead(), { body: {}, read: (id) => `/v1/leads/${id}` }),
  'POST /v1/leads/{id}/assign': async () => {
    const id = await make.lead();
    await permissionRoute('POST', `/v1/leads/${id}/assign`, async () => ({ ownerId: 'bob' }))();
  },
  'POST /v1/leads/{id}/follow-ups': objectRoute('POST', (id) => `/v1/leads/${id}/follow-ups`, () => make.lead(), { body: { channel: 'call', summary: 'Checked in' }, ok: 201, read: (id) => `/v1/leads/${id}` }),
  'GET /v1/leads/{id}/follow-ups': objectRoute('GET', (id) => `/v1/leads/${id}/follow-ups`, () => make.lead()),
  'GET /v1/leads/{id}/history': objectRoute('GET', (id) => `/v1/leads/${id}/history`, () => make.lead()),
  'POST /v1/leads/{id}/convert': objectRoute('POST', (id) => `/v1/leads/${id}/convert`, () => make.lead(), { body: { opportunity: null }, read: (id) => `/v1/leads/${id}` }),
  'POST /v1/leads/{id}/merge': async () => {
    const pair = async () => ({ target: await make.lead(), source: await make.lead() });
    const a = await pair();
    expectStatus(await call('bob', 'POST', `/v1/leads/${a.target}/merge`, { sourceId: a.source }), 404, 'bob merges amy’s');
    const bobs = await call('bob', 'POST', '/v1/leads', { sourceChannel: 'phone', company: `Bob ${uniq()} Ltd` });
    expectStatus(await call('bob', 'POST', `/v1/leads/${bobs.body.id}/merge`, { sourceId: a.source }), 404, 'bob merges amy’s into his');
    expect((await call('amy', 'GET', `/v1/leads/${a.source}`)).body.status).toBe('new');
    expectStatus(await call('amy', 'POST', `/v1/leads/${a.target}/merge`, { sourceId: a.source }), 200, 'amy merges hers');
    const b = await pair();
    expectStatus(await call('boss', 'POST', `/v1/leads/${b.target}/merge`, { sourceId: b.source }), 200, 'boss merges amy’s');
  },
  'POST /v1/opportunities': async () => {
    const body = (owner?: string) => ({ name: `New ${uniq()}`, customerId: accountId, ...(owner ? { ownerId: owner } : {}) });
    expectStatus(await call('bob', 'POST', '/v1/opportunities', body('amy')), 403, 'bob creates for amy');
    expectStatus(await call('amy', 'POST', '/v1/opportunities', body()), 201, 'amy for herself');
    expectStatus(await call('boss', 'POST', '/v1/opportunities', body('amy')), 201, 'boss for amy');
  },
  'GET /v1/opportunities': async () => {
    await listRoute('/v1/opportunities', make.opp)();
    const id = await make.opp();
    const byAccount = await call('bob', 'GET', `/v1/opportunities?customerId=${accountId}&limit=100`);
    expectStatus(byAccount, 200, 'bob lists an account’s');
    expect(byAccount.body.items.map((o: { id: string }) => o.id)).not.toContain(id);
  },
  'GET /v1/opportunities/{id}': objectRoute('GET', (id) => `/v1/opportunities/${id}`, make.opp),
  'PATCH /v1/opportunities/{id}': objectRoute('PATCH', (id) => `/v1/opportunities/${id}`, make.opp, { body: { nextStep: 'Send samples' }, read: (id) => `/v1/opportunities/${id}` }),
  'POST /v1/opportunities/{id}/stage': objectRoute('POST', (id) => `/v1/opportunities/${id}/stage`, make.opp, { body: { stage: 'needs-analysis' }, read: (id) => `/v1/opportunities/${id}` }),
  'GET /v1/opportunities/{id}/history': objectRoute('GET', (id) => `/v1/opportunities/${id}/history`, make.opp),
  'POST /v1/quotes': async () => {
    const body = async () => ({ opportunityId: await make.opp(), lines: [{ name: 'K2', quantity: 1, unitPriceMinor: 100 }] });
    expectStatus(await call('bob', 'POST', '/v1/quotes', await body()), 404, 'bob quotes amy’s deal');
    expectStatus(await call('amy', 'POST', '/v1/quotes', await body()), 201, 'amy');
    expectStatus(await call('boss', 'POST', '/v1/quotes', await body()), 201, 'boss');
  },
  'GET /v1/quotes': async () => {
    const opp = await make.opp();
    expectStatus(await call('bob', 'GET', `/v1/quotes?opportunityId=${opp}`), 404, 'bob lists the quotes of amy’s deal');
    expectStatus(await call('amy', 'GET', `/v1/quotes?opportunityId=${opp}`), 200, 'amy');
    expectStatus(await call('boss', 'GET', `/v1/quotes?opportunityId=${opp}`), 200, 'boss');
  },
  'GET /v1/quotes/{id}': objectRoute('GET', (id) => `/v1/quotes/${id}`, () => make.quote()),
  'PATCH /v1/quotes/{id}': objectRoute('PATCH', (id) => `/v1/quotes/${id}`, () => make.quote(), { body: { notes: 'Delivery in May' }, read: (id) => `/v1/quotes/${id}` }),
  'POST /v1/quotes/{id}/status': objectRoute('POST', (id) => `/v1/quotes/${id}/status`, () => make.quote(), { body: { status: 'sent' }, read: (id) => `/v1/quotes/${id}` }),
  'POST /v1/quotes/{id}/revise': objectRoute('POST', (id) => `/v1/quotes/${id}/revise`, () => make.quote(true), { body: {}, ok: 201, read: (id) => `/v1/quotes/${id}` }),
  'POST /v1/contracts': async () => {
    const body = (extra: Record<string, unknown>) => ({ title: `C ${uniq()}`, customerId: accountId, amountMinor: 1_000, startDate: '2026-01-01', endDate: '2026-12-31', ...extra });
    expectStatus(await call('bob', 'POST', '/v1/contracts', body({ opportunityId: await make.opp() })), 404, 'bob contracts amy’s deal');
    expectStatus(await call('bob', 'POST', '/v1/contracts', body({ ownerId: 'amy' })), 403, 'bob creates for amy');
    expectStatus(await call('amy', 'POST', '/v1/contracts', body({ opportunityId: await make.opp() })), 201, 'amy');
    expectStatus(await call('boss', 'POST', '/v1/contracts', body({ ownerId: 'amy' })), 201, 'boss for amy');
  },
  'GET /v1/contracts': listRoute('/v1/contracts', () => make.contract()),
  'GET /v1/contracts/{id}': objectRoute('GET', (id) => `/v1/contracts/${id}`, () => make.contract()),
  'PATCH /v1/contracts/{id}': objectRoute('PATCH', (id) => `/v1/contracts/${id}`, () => make.contract(), { body: { title: 'Renamed' }, read: (id) => `/v1/contracts/${id}` }),
  'POST /v1/contracts/{id}/status': objectRoute('POST', (id) => `/v1/contracts/${id}/status`, () => make.contract(), { body: { status: 'active' }, read: (id) => `/v1/contracts/${id}` }),
  'POST /v1/contracts/{id}/renew': objectRoute('POST', (id) => `/v1/contracts/${id}/renew`, () => make.contract({ active: true }), { body: {}, ok: 201, read: (id) => `/v1/contracts/${id}` }),
  'GET /v1/contracts/{id}/history': objectRoute('GET', (id) => `/v1/contracts/${id}/history`, () => make.contract()),
  'GET /v1/contracts/{id}/collection-plan': objectRoute('GET', (id) => `/v1/contracts/${id}/collection-plan`, () => make.contract({ plan: true })),
  'PUT /v1/contracts/{id}/collection-plan': objectRoute('PUT', (id) => `/v1/contracts/${id}/collection-plan`, () => make.contract(), { body: { instalments: [{ dueDate: '2030-02-28', amountMinor: 100_000 }] }, read: (id) => `/v1/contracts/${id}/collection-plan` }),
  'POST /v1/contracts/{id}/payments': objectRoute('POST', (id) => `/v1/contracts/${id}/payments`, () => make.contract({ active: true, plan: true }), { body: { amountMinor: 10_000, method: 'cash' }, ok: 201, read: (id) => `/v1/contracts/${id}/collection-plan` }),
  'GET /v1/collections': listRoute('/v1/collections', () => make.contract({ plan: true }), 'contractId'),
  'GET /v1/pipeline/settings': async () => {
    for (const who of ['bob', 'amy', 'boss', 'ana'] as const) expectStatus(await call(who, 'GET', '/v1/pipeline/settings'), 200, who);
  },
  'PUT /v1/pipeline/settings': permissionRoute('PUT', '/v1/pipeline/settings', settingsBody),
  'GET /v1/pipeline/reports/funnel': async () => {
    await permissionRoute('GET', '/v1/pipeline/reports/funnel')();
    expectStatus(await call('ana', 'GET', '/v1/pipeline/reports/funnel'), 200, 'analyst');
  },
  'GET /v1/pipeline/reports/forecast': async () => {
    await permissionRoute('GET', '/v1/pipeline/reports/forecast')();
    expectStatus(await call('ana', 'GET', '/v1/pipeline/reports/forecast'), 200, 'analyst');
  },
  'GET /v1/pipeline/reports/receivables': async () => {
    await permissionRoute('GET', '/v1/pipeline/reports/receivables')();
    expectStatus(await call('ana', 'GET', '/v1/pipeline/reports/receivables'), 200, 'analyst');
  },
  // The analytics sales-activity report lists every rep's numbers: not for reps (403 to amy as to
  // bob); the manager and the analyst see it, amy's line included.
  'GET /v1/reports/sales-activity': async () => {
    await make.opp();
    await permissionRoute('GET', '/v1/reports/sales-activity')();
    for (const who of ['boss', 'ana'] as const) {
      const res = await call(who, 'GET', '/v1/reports/sales-activity');
      expectStatus(res, 200, who);
      expect(res.body.reps).toContainEqual(expect.objectContaining({ repId: 'amy', opportunities: expect.any(Number) }));
      expect(res.body.reps.find((r: { repId: string }) => r.repId === 'amy').opportunities).toBeGreaterThanOrEqual(1);
    }
  },
};

const PIPELINE_ROUTES = httpFunctions()
  .filter((f) => f.http.permission.startsWith('pipeline:'))
  .map((f) => routeKey(f.http));

beforeAll(async () => {
  t = await startTestStack();
  tok.amy = await t.stack.mintToken('sales', { sub: 'amy' });
  tok.bob = await t.stack.mintToken('sales', { sub: 'bob' });
  tok.boss = await t.stack.mintToken('manager', { sub: 'boss' });
  tok.ana = await t.stack.mintToken('analyst', { sub: 'ana' });
  tok.site = await t.stack.mintToken('integration', { sub: 'website-forms' });
  for (const [id, managerId] of [['boss'], ['amy', 'boss'], ['bob', 'boss']] as const) expect((await t.call('PUT', `/v1/agents/${id}`, { body: { name: id, ...(managerId ? { managerId } : {}) } })).status).toBe(200);
  const account = await t.call('POST', '/v1/customers', { body: { name: 'Shared Account Ltd', attributes: { accountType: 'account' } } });
  expect(account.status).toBe(201);
  accountId = account.body.id;
});
afterAll(async () => {
  await t?.stop();
});

test('every pipeline route of the wiring table has an ownership scenario, and no scenario is for a route that is gone', () => {
  expect(PIPELINE_ROUTES.length).toBeGreaterThan(30);
  expect(Object.keys(SCENARIOS).sort()).toEqual([...PIPELINE_ROUTES].sort());
});

test.each(PIPELINE_ROUTES)('%s: amy’s are hers and the manager’s, not bob’s', async (route) => {
  const scenario = SCENARIOS[route];
  expect(scenario).toBeDefined();
  await scenario!();
}, 60_000);
