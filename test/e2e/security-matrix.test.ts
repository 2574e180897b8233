import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROLES, type Role } from '../../shared/domain/roles';
import { startTestStack, unique, type Api, type TestStack } from './helpers';
import { readmeFigure, rolesWith, routeCases, samplePath } from './security-routes';

/**
 * The generated authorization matrix (issue 7): every wired route × every role, on the local stack.
 * A role without the route's permission gets 403; a role with it gets past the gate (any answer
 * but 401/403 — the request is synthetic, so 400/404/409 are expected). Public routes answer a
 * caller with a token of any role exactly as one without. Routes added to the wiring table later
 * are in the matrix without a change here. Then the object dimension, where a rule exists:
 * notifications are their owner's, unmasked exports need pii:read, users and grants are admin's,
 * a ticket is seen by its group's agents (and tickets:all), 404 to another group's agent.
 */
let t: TestStack;
const tokens = new Map<Role, string>();
beforeAll(async () => {
  t = await startTestStack();
  for (const role of ROLES) tokens.set(role, await t.stack.mintToken(role, { sub: `matrix-${role}` }));
}, 60_000);
afterAll(() => t?.stop());

const cases = routeCases();
const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

async function request(c: (typeof cases)[number], token: string | undefined): Promise<Api> {
  const c2 = c.contract;
  return t.call(c2.method, samplePath(c2), {
    role: null,
    ...(token ? { token } : {}),
    ...(c2.body || c2.method !== 'GET' ? { body: {} } : {}),
  });
}

describe('the authorization matrix: route × role', () => {
  const covered: string[] = [];

  it.each(cases.map((c) => [c.key, c] as const))('%s', async (_key, c) => {
    const allowed = rolesWith(c.contract);
    const got: Record<string, number> = {};
    const want: Record<string, string> = {};
    if (c.contract.permission === 'public') {
      const anonymous = (await request(c, undefined)).status;
      expect(anonymous).toBeLessThan(500);
      for (const role of ROLES) {
        got[role] = (await request(c, tokens.get(role))).status;
        want[role] = `${anonymous} (as without a token)`;
      }
      expect(Object.fromEntries(ROLES.map((r) => [r, got[r] === anonymous ? want[r] : `${got[r]}`]))).toEqual(want);
    } else {
      for (const role of ROLES) {
        const res = await request(c, tokens.get(role));
        got[role] = res.status;
        want[role] = allowed.includes(role) ? 'past the gate' : '403';
        if (res.status >= 500) throw new Error(`${c.key} as ${role}: ${res.status} ${res.text}`);
      }
      const seen = Object.fromEntries(ROLES.map((r) => [r, got[r] === 403 ? '403' : got[r] === 401 ? '401' : 'past the gate']));
      expect(seen).toEqual(want);
      expect((await request(c, undefined)).status).toBe(401);
    }
    covered.push(c.key);
  });

  it('covers every wired route, at least as many as the README reports', () => {
    expect(covered).toHaveLength(cases.length);
    // The figure the README reports; a route added later only raises the count this prints.
    console.log(`routes covered by the authorization matrix: ${covered.length} routes × ${ROLES.length} roles (${covered.length * ROLES.length} cells)`);
    const reported = readmeFigure(readme, /routes covered by the authorization matrix: (\d+) routes × 7 roles/);
    expect(reported).toBeDefined();
    expect(covered.length).toBeGreaterThanOrEqual(reported!);
    expect(ROLES).toHaveLength(7);
  });
});

describe('the object dimension: own object / someone else’s', () => {
  it('a notification is marked read only by its owner (someone else’s is not found)', async () => {
    for (const id of ['owner-agent', 'other-agent']) expect((await t.call('PUT', `/v1/agents/${id}`, { body: { name: id } })).status).toBe(200);
    const owner = await t.stack.mintToken('agent', { sub: 'owner-agent' });
    const other = await t.stack.mintToken('agent', { sub: 'other-agent' });
    const task = await t.call('POST', '/v1/tasks', { role: 'manager', body: { title: 'Call back', assigneeId: 'owner-agent' } });
    expect(task.status).toBe(201);
    const mine = await t.call('GET', '/v1/me/notifications', { token: owner });
    const note = mine.body.items.find((n: { taskId?: string }) => n.taskId === task.body.id);
    expect(note).toBeDefined();
    expect((await t.call('GET', '/v1/me/notifications', { token: other })).body.items.some((n: { id: string }) => n.id === note.id)).toBe(false);
    expect((await t.call('POST', `/v1/me/notifications/${note.id}/read`, { token: other })).status).toBe(404);
    expect((await t.call('POST', `/v1/me/notifications/${note.id}/read`, { token: owner })).status).toBe(200);
  });

  it('an unmasked export is readable only with pii:read; a masked one by any role that may export', async () => {
    const u = unique('matrix');
    expect((await t.call('POST', '/v1/customers', { body: { name: u.name, email: u.email } })).status).toBe(201);
    const unmasked = await t.call('POST', '/v1/exports', { role: 'manager', body: { kind: 'customers', filter: { all: true } } });
    const masked = await t.call('POST', '/v1/exports', { role: 'analyst', body: { kind: 'customers', filter: { all: true } } });
    expect([unmasked.status, masked.status]).toEqual([202, 202]);
    const status = async (id: string, role: Role) => (await t.call('GET', `/v1/exports/${id}`, { role })).status;
    for (const role of ROLES.filter((r) => rolesWith({ permission: 'customers:read' } as never).includes(r))) {
      const piiRead = rolesWith({ permission: 'pii:read' } as never).includes(role);
      expect({ role, unmasked: await status(unmasked.body.id, role), masked: await status(masked.body.id, role) }).toEqual({ role, unmasked: piiRead ? 200 : 403, masked: 200 });
    }
  });

  // Ticket visibility (issue 7): every route addressing a ticket, from the wiring table. A body the
  // kernel accepts per operation, so the request reaches the use case (a new route needs one here).
  const TICKET_BODIES: Record<string, unknown> = {
    updateTicket: { priority: 'high' },
    assignTicket: { groupId: 'matrix-care' },
    transferTicket: { groupId: 'matrix-care', assigneeId: 'matrix-care-agent', reason: 'matrix' },
    setTicketCollaborators: { add: ['matrix-care-agent'] },
    addTicketComment: { body: 'matrix', public: false },
    recordComplaintStep: { stage: 'investigating', note: 'matrix' },
    createFollowUpTicket: {},
    createTicketAttachment: { filename: 'matrix.png', contentType: 'image/png', size: 4 },
  };
  it('a ticket is seen by its group’s agent and the manager; another group’s agent gets 404 on every route addressing it', async () => {
    for (const id of ['matrix-care-agent', 'matrix-billing-agent']) expect((await t.call('PUT', `/v1/agents/${id}`, { body: { name: id } })).status).toBe(200);
    expect((await t.call('POST', '/v1/groups', { body: { id: 'matrix-care', name: 'Care', members: ['matrix-care-agent'], assignment: 'manual' } })).status).toBe(201);
    expect((await t.call('POST', '/v1/groups', { body: { id: 'matrix-billing', name: 'Billing', members: ['matrix-billing-agent'], assignment: 'manual' } })).status).toBe(201);
    const ticket = await t.call('POST', '/v1/tickets', { role: 'manager', body: { subject: 'Matrix ticket', type: 'inquiry', channel: 'email', groupId: 'matrix-care' } });
    expect(ticket.status).toBe(201);
    const insider = await t.stack.mintToken('agent', { sub: 'matrix-care-agent' });
    const outsider = await t.stack.mintToken('agent', { sub: 'matrix-billing-agent' });
    const lists = async (token: string) => (await t.call('GET', '/v1/tickets?status=new', { token })).body.items.map((x: { id: string }) => x.id);
    expect(await lists(insider)).toContain(ticket.body.id);
    expect(await lists(outsider)).not.toContain(ticket.body.id);
    expect((await t.call('GET', '/v1/tickets?groupId=matrix-care', { token: outsider })).status).toBe(404);
    const routes = cases.filter((c) => c.contract.path.startsWith('/v1/tickets/{id}'));
    expect(routes.length).toBeGreaterThanOrEqual(13);
    const got: Record<string, string> = {};
    const want: Record<string, string> = {};
    for (const c of routes) {
      if (c.contract.body) expect({ route: c.key, body: TICKET_BODIES[c.contract.operationId] }).toEqual({ route: c.key, body: expect.anything() });
      const call = (token: string | undefined, role: Role | null = null) =>
        t.call(c.contract.method, samplePath(c.contract, { id: ticket.body.id }), { role, ...(token ? { token } : {}), ...(c.contract.body ? { body: TICKET_BODIES[c.contract.operationId] } : {}) });
      const hidden = (r: Api) => r.status === 404 && r.body?.entity === 'Ticket';
      // The outsider first: their refusals must change nothing the insider then sees.
      const out = await call(outsider);
      const ins = await call(insider);
      const mgr = await call(undefined, 'manager');
      for (const r of [out, ins, mgr]) expect(r.status).toBeLessThan(500);
      got[c.key] = `outsider ${hidden(out) ? 'hidden' : out.status}, insider ${hidden(ins) ? 'hidden' : 'reached'}, manager ${hidden(mgr) ? 'hidden' : 'reached'}`;
      want[c.key] = 'outsider hidden, insider reached, manager reached';
    }
    expect(got).toEqual(want);
    const history = (await t.call('GET', `/v1/tickets/${ticket.body.id}/history`, { role: 'manager' })).body.items;
    expect(history.some((h: { actorId: string }) => h.actorId === 'matrix-billing-agent')).toBe(false);
  });

  it('an integration client reaches its granted routes, another client none of them', async () => {
    expect((await t.call('PUT', '/v1/integration-clients/matrix-erp', { body: { name: 'ERP', families: ['customers'], operations: [] } })).status).toBe(200);
    const own = await t.stack.mintToken('integration', { sub: 'matrix-erp', extraClaims: { client_id: 'matrix-erp' } });
    const other = await t.stack.mintToken('integration', { sub: 'matrix-crm2', extraClaims: { client_id: 'matrix-crm2' } });
    expect((await t.call('GET', '/v1/customers', { token: own })).status).toBe(200);
    expect((await t.call('GET', '/v1/customers', { token: other })).status).toBe(403);
  });
});
