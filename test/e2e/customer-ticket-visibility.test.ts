import { startTestStack, unique, type Api, type TestStack } from './helpers';

/**
 * Issue 7's ticket rule on the customer views, over HTTP on the local stack: the 360's open tickets
 * and the timeline's ticket rows follow who sees which ticket (the handlers pass the caller).
 */
let t: TestStack;
const tok: Record<string, string> = {};
let customerId = '';
const T: Record<string, { id: string; subject: string }> = {};

const as = (who: string) => ({ token: tok[who]! });
const ok = (res: Api, status = 200) => {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res.body;
};
type Row = { id: string; kind: string; summary: string; data: Record<string, unknown> };
const openIds = (v: { openTickets: { ticketId: string }[] }) => v.openTickets.map((r) => r.ticketId).sort();
const ticketRows = (rows: Row[]) => rows.filter((r) => r.kind === 'ticket');

beforeAll(async () => {
  t = await startTestStack();
  tok.boss = await t.stack.mintToken('manager', { sub: 'boss' });
  tok.amy = await t.stack.mintToken('agent', { sub: 'amy' });
  tok.zoe = await t.stack.mintToken('agent', { sub: 'zoe' });
  tok.mia = await t.stack.mintToken('marketer', { sub: 'mia' });
  for (const id of ['boss', 'amy', 'zoe', 'lead']) ok(await t.call('PUT', `/v1/agents/${id}`, { body: { name: id } }));
  ok(await t.call('POST', '/v1/groups', { body: { id: 'care', name: 'Customer care', managerId: 'boss', members: ['amy'], assignment: 'manual' } }), 201);
  ok(await t.call('POST', '/v1/groups', { body: { id: 'billing', name: 'Billing', managerId: 'lead', members: ['zoe'], assignment: 'manual' } }), 201);
  const u = unique('visibility');
  customerId = ok(await t.call('POST', '/v1/customers', { body: { name: u.name, email: u.email } }), 201).id;
  for (const [key, subject, groupId, assigneeId] of [['care', 'Parcel is late', 'care', 'amy'], ['billing', 'Charged twice', 'billing', 'zoe']] as const) {
    T[key] = ok(await t.call('POST', '/v1/tickets', { body: { subject, type: 'inquiry', channel: 'email', customerId, groupId, assigneeId } }), 201);
  }
});
afterAll(async () => {
  await t?.stop();
});

describe('GET /v1/customers/{id}/360 and /timeline', () => {
  it('an agent sees their group’s ticket; the other group’s is absent from openTickets and redacted on the timeline', async () => {
    const view = ok(await t.call('GET', `/v1/customers/${customerId}/360`, as('amy')));
    expect(openIds(view)).toEqual([T.care!.id]);
    const timeline = ok(await t.call('GET', `/v1/customers/${customerId}/timeline`, as('amy')));
    for (const rows of [view.timeline as Row[], timeline.items as Row[]]) {
      expect(ticketRows(rows).map((r) => r.summary).sort()).toEqual([expect.stringContaining('Parcel is late'), 'Ticket activity (restricted)'].sort());
      expect(ticketRows(rows).find((r) => r.summary === 'Ticket activity (restricted)')!.data).toEqual({});
    }
    const text = JSON.stringify([view, timeline]);
    expect(text).not.toContain('Charged twice');
    expect(text).not.toContain(T.billing!.id);
    expect(openIds(ok(await t.call('GET', `/v1/customers/${customerId}/360`, as('zoe'))))).toEqual([T.billing!.id]);
  });

  it('a manager sees both; a marketer (no tickets:read) sees none', async () => {
    const boss = ok(await t.call('GET', `/v1/customers/${customerId}/360`, as('boss')));
    expect(openIds(boss)).toEqual([T.care!.id, T.billing!.id].sort());
    expect(ticketRows(boss.timeline).map((r) => r.data.ticketId).sort()).toEqual([T.care!.id, T.billing!.id].sort());
    const mia = ok(await t.call('GET', `/v1/customers/${customerId}/360`, as('mia')));
    expect(mia.openTickets).toEqual([]);
    const rows = ok(await t.call('GET', `/v1/customers/${customerId}/timeline`, as('mia'))).items as Row[];
    expect(ticketRows(rows)).toHaveLength(2);
    expect(ticketRows(rows).every((r) => r.summary === 'Ticket activity (restricted)' && Object.keys(r.data).length === 0)).toBe(true);
  });
});
