import { startTestStack, unique, type Api, type TestStack } from './helpers';

/**
 * Issue 7's ticket rule on the tasks routes, over HTTP on the local stack: a complaint's follow-up
 * visit task names the ticket by number only, and a task linked to a ticket the caller does not see
 * answers `GET /v1/tasks?assigneeId=`, `GET /v1/tasks/{id}` and `PATCH /v1/tasks/{id}` without its
 * text; its assignee, its creator and a `tickets:all` caller read it whole.
 */
let t: TestStack;
const tok: Record<string, string> = {};
const SUBJECT = 'Charged twice for the blue kettle';
const DESCRIPTION = 'Ms Wu paid 2 x 399 on 3 May; card ending 4242';
const RESTRICTED = 'Task about a ticket (restricted)';
let ticket: { id: string; number: number } = { id: '', number: 0 };
let followUpId = '';
let manualId = '';
let plainId = '';

const as = (who: string) => ({ token: tok[who]! });
const ok = (res: Api, status = 200) => {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res.body;
};
type TaskBody = { id: string; title: string; description?: string; completionCriteria?: string; outcome?: string; links: Record<string, string> };
const byId = (items: TaskBody[], id: string) => items.find((x) => x.id === id)!;
const listOf = async (who: string) => ok(await t.call('GET', '/v1/tasks?assigneeId=zoe&status=all&limit=50', as(who))).items as TaskBody[];

beforeAll(async () => {
  t = await startTestStack();
  tok.boss = await t.stack.mintToken('manager', { sub: 'boss' });
  tok.amy = await t.stack.mintToken('agent', { sub: 'amy' });
  tok.zoe = await t.stack.mintToken('agent', { sub: 'zoe' });
  tok.mia = await t.stack.mintToken('marketer', { sub: 'mia' });
  for (const id of ['boss', 'amy', 'zoe', 'lead']) ok(await t.call('PUT', `/v1/agents/${id}`, { body: { name: id } }));
  ok(await t.call('POST', '/v1/groups', { body: { id: 'care', name: 'Customer care', managerId: 'boss', members: ['amy'], assignment: 'manual' } }), 201);
  ok(await t.call('POST', '/v1/groups', { body: { id: 'billing', name: 'Billing', managerId: 'lead', members: ['zoe'], assignment: 'manual' } }), 201);
  const u = unique('taskvis');
  const customerId = ok(await t.call('POST', '/v1/customers', { body: { name: u.name, email: u.email } }), 201).id;
  ticket = ok(await t.call('POST', '/v1/tickets', { body: { subject: SUBJECT, description: DESCRIPTION, type: 'complaint', channel: 'email', customerId, groupId: 'billing', assigneeId: 'zoe' } }), 201);
  // Zoe handles the complaint to its solve: the follow-up visit task is hers.
  ok(await t.call('POST', `/v1/tickets/${ticket.id}/comments`, { ...as('zoe'), body: { body: 'We are on it.', public: true } }), 201);
  ok(await t.call('POST', `/v1/tickets/${ticket.id}/complaint`, { ...as('zoe'), body: { stage: 'investigating', note: 'Duplicate capture at the gateway.' } }));
  ok(await t.call('POST', `/v1/tickets/${ticket.id}/complaint`, { ...as('zoe'), body: { stage: 'responded', note: 'Refunded one charge.' } }));
  const solved = ok(await t.call('PATCH', `/v1/tickets/${ticket.id}`, { ...as('zoe'), body: { status: 'solved' } }));
  followUpId = solved.complaint.followUpTaskId;
  // The manager gives Zoe a task about the ticket, written with its details, and one about nothing in particular.
  manualId = ok(await t.call('POST', '/v1/tasks', { ...as('boss'), body: { title: `Double-check the refund: ${SUBJECT}`, description: DESCRIPTION, assigneeId: 'zoe', links: { ticketId: ticket.id } } }), 201).id;
  plainId = ok(await t.call('POST', '/v1/tasks', { ...as('boss'), body: { title: 'Update the billing FAQ', description: 'Add the refund steps', assigneeId: 'zoe' } }), 201).id;
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('tasks about tickets', () => {
  it('the follow-up visit task names the complaint by number, not by subject', async () => {
    const task = ok(await t.call('GET', `/v1/tasks/${followUpId}`, as('zoe')));
    expect(task).toMatchObject({ kind: 'follow-up-visit', title: `Follow-up visit (回访) for complaint #${ticket.number}`, links: expect.objectContaining({ ticketId: ticket.id }) });
    expect(JSON.stringify(task)).not.toContain('blue kettle');
  });

  it('an agent of another group reads neither the subject nor the description, in the list or one by one', async () => {
    const items = await listOf('amy');
    expect(items.map((x) => x.id).sort()).toEqual([followUpId, manualId, plainId].sort());
    for (const id of [followUpId, manualId]) {
      const listed = byId(items, id);
      const one = ok(await t.call('GET', `/v1/tasks/${id}`, as('amy'))) as TaskBody;
      for (const x of [listed, one]) {
        expect(x.title).toBe(RESTRICTED);
        for (const f of ['description', 'completionCriteria', 'outcome']) expect(x).not.toHaveProperty(f);
        expect(x.links).not.toHaveProperty('ticketId');
      }
    }
    expect(byId(items, plainId)).toMatchObject({ title: 'Update the billing FAQ', description: 'Add the refund steps' });
    const text = JSON.stringify([items, ok(await t.call('GET', `/v1/tasks/${manualId}`, as('amy')))]);
    for (const secret of ['blue kettle', 'card ending 4242', ticket.id]) expect(text).not.toContain(secret);
  });

  it('a marketer (tasks:read without tickets:read) gets them redacted too', async () => {
    const items = await listOf('mia');
    expect(byId(items, followUpId).title).toBe(RESTRICTED);
    expect(byId(items, manualId)).not.toHaveProperty('description');
    expect(JSON.stringify(items)).not.toContain('blue kettle');
  });

  it('the assignee and a tickets:all caller read them whole', async () => {
    for (const who of ['zoe', 'boss']) {
      const items = await listOf(who);
      expect(byId(items, manualId)).toMatchObject({ title: `Double-check the refund: ${SUBJECT}`, description: DESCRIPTION, links: { ticketId: ticket.id } });
      expect(byId(items, followUpId)).toMatchObject({ title: `Follow-up visit (回访) for complaint #${ticket.number}`, completionCriteria: expect.any(String) });
      expect(ok(await t.call('GET', `/v1/tasks/${manualId}`, as(who)))).toMatchObject({ description: DESCRIPTION });
    }
  });

  it('the outcome the assignee records stays theirs, and a change by the other agent answers redacted', async () => {
    ok(await t.call('PATCH', `/v1/tasks/${followUpId}`, { ...as('zoe'), body: { status: 'done', outcome: 'Ms Wu confirmed the blue kettle refund' } }));
    expect(ok(await t.call('GET', `/v1/tasks/${followUpId}`, as('boss')))).toMatchObject({ outcome: 'Ms Wu confirmed the blue kettle refund' });
    const seen = ok(await t.call('GET', `/v1/tasks/${followUpId}`, as('amy')));
    expect(seen).toMatchObject({ status: 'done', title: RESTRICTED });
    expect(seen).not.toHaveProperty('outcome');
    const changed = ok(await t.call('PATCH', `/v1/tasks/${manualId}`, { ...as('amy'), body: { priority: 'urgent' } }));
    expect(changed).toMatchObject({ priority: 'urgent', title: RESTRICTED });
    expect(JSON.stringify(changed)).not.toContain('card ending 4242');
  });
});
