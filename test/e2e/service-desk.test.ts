import { createDocumentClient } from '../../shared/store/client';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local';
import { DevOutbox } from '../../shared/runtime/messaging';
import { startTestStack, unique, type Api, type TestStack } from './helpers';

/**
 * The proof, over HTTP on the local stack, as the apps would call it: a complaint goes
 * from interaction to ticket, is assigned, breaches its first-response SLA, escalates, is solved,
 * gets a bad rating, and produces the follow-up ticket and task. Then the report, and bad input.
 */
let t: TestStack;
let outbox: DevOutbox;
const tok: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestStack();
  outbox = new DevOutbox({ doc: createDocumentClient({ endpoint: t.stack.dynamoEndpoint, credentials: LOCAL_CREDENTIALS }), tableName: t.stack.tableName });
  tok.boss = await t.stack.mintToken('manager', { sub: 'boss' });
  tok.amy = await t.stack.mintToken('agent', { sub: 'amy' });
  tok.cid = await t.stack.mintToken('agent', { sub: 'cid' });
  tok.analyst = await t.stack.mintToken('analyst', { sub: 'ana' });
});
afterAll(async () => {
  await t?.stop();
});

const as = (who: string) => ({ token: tok[who]! });
const ok = (res: Api, status = 200) => {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res.body;
};
async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the service desk end to end', () => {
  let customerId = '';
  let ticket: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  let surveyUrl = '';

  it('sets up the desk: agents, a round-robin group with a manager, a 1-minute first-response SLA for complaints, the settings', async () => {
    for (const [id, name, managerId] of [['boss', 'Boss'], ['amy', 'Amy', 'boss'], ['cid', 'Cid', 'boss']] as const) {
      ok(await t.call('PUT', `/v1/agents/${id}`, { body: { name, ...(managerId ? { managerId } : {}) } }));
    }
    ok(await t.call('POST', '/v1/groups', { body: { id: 'care', name: 'Customer care', managerId: 'boss', members: ['amy', 'cid'], assignment: 'round-robin' } }), 201);
    ok(await t.call('POST', '/v1/sla-policies', { body: { name: 'Complaints', position: 1, conditions: { types: ['complaint'] }, targets: { firstResponse: 1, resolution: 240 }, hours: 'calendar' } }), 201);
    const settings = ok(await t.call('GET', '/v1/service-settings'));
    ok(await t.call('PATCH', '/v1/service-settings', { body: { version: settings.version, defaultGroupId: 'care', surveyDelayMinutes: 0, surveyLinkBaseUrl: t.stack.url } }));
  });

  it('a complaint logged as an interaction becomes a complaint ticket, assigned round-robin', async () => {
    const u = unique('complainer');
    customerId = ok(await t.call('POST', '/v1/customers', { body: { name: u.name, email: u.email } }), 201).id;
    ok(await t.call('POST', `/v1/customers/${customerId}/interactions`, { body: { channel: 'call', type: 'complaint', summary: 'The kettle leaks and nobody called back' } }), 201);
    ticket = await eventually('the complaint ticket', async () => {
      const page = ok(await t.call('GET', '/v1/tickets?assigneeId=amy&status=unsolved', as('amy')));
      return page.items.find((x: { customerId: string }) => x.customerId === customerId);
    });
    expect(ticket).toMatchObject({ type: 'complaint', channel: 'phone', source: 'interaction', status: 'open', groupId: 'care', assigneeId: 'amy', complaint: { stage: 'recorded' } });
    expect(ticket.sla).toMatchObject({ policyName: 'Complaints', breached: false });
    const first = ticket.sla.clocks.find((c: { metric: string }) => c.metric === 'firstResponse');
    expect(Date.parse(first.dueAt) - Date.parse(ticket.createdAt)).toBe(60_000);
    const view = ok(await t.call('GET', `/v1/customers/${customerId}/360`));
    expect(view.openTickets.map((r: { ticketId: string }) => r.ticketId)).toContain(ticket.id);
    const amyNotes = ok(await t.call('GET', '/v1/me/notifications', as('amy')));
    expect(amyNotes.items.map((n: { kind: string }) => n.kind)).toContain('assignment');
  });

  it('breaches its first-response SLA within 60 s of the due time and escalates to the group manager', async () => {
    const breached = await eventually(
      'the breach',
      async () => {
        const cur = ok(await t.call('GET', `/v1/tickets/${ticket.id}`, as('amy')));
        return cur.sla.breached ? cur : undefined;
      },
      150_000,
    );
    const first = breached.sla.clocks.find((c: { metric: string }) => c.metric === 'firstResponse');
    const lateBy = Date.parse(first.breachedAt) - Date.parse(first.dueAt);
    expect(lateBy).toBeGreaterThanOrEqual(0);
    expect(lateBy).toBeLessThan(60_000);
    expect(first).toMatchObject({ breached: true, outcome: 'breached', warnedAt: expect.any(String) });
    expect(breached.escalation).toMatchObject({ to: 'boss' });
    const boss = ok(await t.call('GET', '/v1/me/notifications?unread=true', as('boss')));
    const escalation = boss.items.find((n: { kind: string; ticketId: string }) => n.kind === 'escalation' && n.ticketId === ticket.id);
    expect(escalation.title).toContain('first response SLA breached');
    expect(ok(await t.call('POST', `/v1/me/notifications/${escalation.id}/read`, as('boss')))).toMatchObject({ read: true });
    const history = ok(await t.call('GET', `/v1/tickets/${ticket.id}/history`, as('boss')));
    expect(history.items.map((h: { action: string }) => h.action)).toEqual(expect.arrayContaining(['created', 'sla-warning:firstResponse', 'sla-breach:firstResponse']));
  }, 180_000);

  it('is answered, investigated, responded to and solved; the solve brings the follow-up visit task', async () => {
    ok(await t.call('POST', `/v1/tickets/${ticket.id}/comments`, { ...as('amy'), body: { body: 'Sorry for the wait — we are looking into it.', public: true } }), 201);
    const early = await t.call('PATCH', `/v1/tickets/${ticket.id}`, { ...as('amy'), body: { status: 'solved' } });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ rule: 'complaint-needs-response' });
    ok(await t.call('POST', `/v1/tickets/${ticket.id}/complaint`, { ...as('amy'), body: { stage: 'investigating', note: 'Batch 2024-11 seals were faulty.' } }));
    ok(await t.call('POST', `/v1/tickets/${ticket.id}/complaint`, { ...as('amy'), body: { stage: 'responded', note: 'Replacement kettle sent, courier booked.' } }));
    const solved = ok(await t.call('PATCH', `/v1/tickets/${ticket.id}`, { ...as('amy'), body: { status: 'solved' } }));
    expect(solved).toMatchObject({ status: 'solved', complaint: { stage: 'follow-up', followUpTaskId: expect.any(String) } });
    const tasks = ok(await t.call('GET', '/v1/me/tasks', as('amy')));
    expect(tasks.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: solved.complaint.followUpTaskId, kind: 'follow-up-visit', links: { ticketId: ticket.id, customerId } })]));
  });

  it('sends the CSAT survey through the message channel with a signed link that needs no login', async () => {
    const msg = await eventually('the survey message', async () => (await outbox.list(50)).find((m) => m.customerId === customerId && m.purpose === 'survey'));
    surveyUrl = /(http:\/\/\S+\/v1\/surveys\/\S+)/.exec(msg.body)![1]!;
    const path = surveyUrl.slice(t.stack.url.length);
    const form = ok(await t.call('GET', path.replace('/response', ''), { role: null }));
    expect(form).toMatchObject({ kind: 'csat', status: 'sent', scale: { min: 1, max: 5 } });
    // The agent closes the ticket before the customer answers: it is read-only from now on.
    ok(await t.call('PATCH', `/v1/tickets/${ticket.id}`, { ...as('amy'), body: { status: 'closed' } }));
    const reply = await t.call('POST', `/v1/tickets/${ticket.id}/comments`, { ...as('amy'), body: { body: 'one more thing' } });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ rule: 'closed-is-read-only' });
  });

  it('a forged link is 403, the answer 1/5 is taken once, and it produces the follow-up complaint ticket and the manager’s task', async () => {
    const path = surveyUrl.slice(t.stack.url.length);
    const forged = await t.call('POST', path.replace(/sig=[\w-]+/, 'sig=AAAA'), { role: null, body: { rating: 5 } });
    expect(forged.status).toBe(403);
    expect(ok(await t.call('POST', path, { role: null, body: { rating: 1, comment: 'Still waiting for the replacement' } }))).toMatchObject({ status: 'answered' });
    const twice = await t.call('POST', path, { role: null, body: { rating: 5 } });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ rule: 'survey-already-answered' });

    const followUp = await eventually('the follow-up complaint ticket', async () => {
      const page = ok(await t.call('GET', '/v1/tickets?assigneeId=cid&status=unsolved', as('cid')));
      return page.items.find((x: { followUpOf?: string }) => x.followUpOf === ticket.id);
    });
    expect(followUp).toMatchObject({ type: 'complaint', source: 'survey', customerId, priority: 'high', groupId: 'care', assigneeId: 'cid' });
    const task = await eventually('the manager’s task', async () => {
      const page = ok(await t.call('GET', '/v1/me/tasks', as('boss')));
      return page.items.find((x: { kind: string }) => x.kind === 'bad-rating-follow-up');
    });
    expect(task).toMatchObject({ assigneeId: 'boss', links: { ticketId: followUp.id, customerId }, status: 'open' });
  });

  it('reports it all from the counters', async () => {
    const report = ok(await t.call('GET', '/v1/reports/service', as('analyst')));
    expect(report.current.byStatus).toMatchObject({ closed: 1 });
    expect(report.current.unsolvedByAgent).toMatchObject({ cid: 1 });
    expect(report.period).toMatchObject({ created: 2, createdByType: { complaint: 2 }, solved: 1 });
    expect(report.period.sla.firstResponse).toMatchObject({ breached: 1, compliance: 0 });
    expect(report.period.csat).toMatchObject({ responses: 1, average: 1, distribution: { '1': 1 } });
    expect((await t.call('GET', '/v1/reports/service', as('amy'))).status).toBe(403);
  });
});

describe('bad input gets a clear 4xx and changes nothing', () => {
  it('illegal transitions, unknown or inactive agents, bad SLA calendars, attachments over the limit, bad lists', async () => {
    ok(await t.call('PUT', '/v1/agents/ghost', { body: { name: 'Ghost', active: false } }));
    ok(await t.call('POST', '/v1/groups', { body: { id: 'triage', name: 'Triage (by hand)', managerId: 'boss', members: ['amy'], assignment: 'manual' } }), 201);
    const created = ok(await t.call('POST', '/v1/tickets', { ...as('amy'), body: { subject: 'Where is my order?', type: 'inquiry', channel: 'email', groupId: 'triage' } }), 201);
    expect(created.assigneeId).toBeUndefined();
    const queue = ok(await t.call('GET', '/v1/tickets?groupId=triage', as('amy')));
    expect(queue.items.map((x: { id: string }) => x.id)).toEqual([created.id]);
    const noAssignee = await t.call('PATCH', `/v1/tickets/${created.id}`, { ...as('amy'), body: { status: 'solved' } });
    expect([noAssignee.status, noAssignee.body.rule]).toEqual([409, 'solve-needs-assignee']);
    for (const assigneeId of ['ghost', 'nobody']) {
      const res = await t.call('POST', `/v1/tickets/${created.id}/assign`, { ...as('amy'), body: { assigneeId } });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('assigneeId');
    }
    expect(ok(await t.call('GET', `/v1/tickets/${created.id}`, as('amy')))).toMatchObject({ version: created.version, status: 'new' });
    const overlapping = await t.call('POST', '/v1/sla-policies', {
      body: { name: 'Bad', position: 7, targets: { firstResponse: 60 }, hours: 'business', calendar: { timeZone: 'Asia/Shanghai', workingDays: [1, 2, 3, 4, 5], hours: [{ from: '09:00', to: '13:00' }, { from: '12:00', to: '18:00' }] } },
    });
    expect(overlapping.status).toBe(400);
    expect(overlapping.body.errors.map((e: { field: string }) => e.field)).toEqual(['calendar.hours.1']);
    const badZone = await t.call('POST', '/v1/sla-policies', { body: { name: 'Bad', position: 7, targets: { firstResponse: 60 }, hours: 'business', calendar: { timeZone: 'Mars/Base', workingDays: [1], hours: [{ from: '09:00', to: '18:00' }] } } });
    expect(badZone.body.errors.map((e: { field: string }) => e.field)).toEqual(['calendar.timeZone']);
    expect(ok(await t.call('GET', '/v1/sla-policies', as('amy'))).items.map((p: { name: string }) => p.name)).toEqual(['Complaints']);
    const big = await t.call('POST', `/v1/tickets/${created.id}/attachments`, { ...as('amy'), body: { filename: 'video.mp4', contentType: 'video/mp4', size: 50 * 1024 * 1024 } });
    expect(big.status).toBe(413);
    const list = await t.call('GET', '/v1/tickets', as('amy'));
    expect(list.status).toBe(400);
    expect(list.body.errors[0].field).toBe('status');
    expect((await t.call('POST', '/v1/tickets', { ...as('amy'), body: { subject: 'x', type: 'inquiry', channel: 'email', secret: 1 } })).status).toBe(400);
    expect((await t.call('GET', '/v1/tickets?status=open', { role: 'marketer' })).status).toBe(403);
  });

  it('an attachment goes through the signed upload URL and is confirmed', async () => {
    const created = ok(await t.call('POST', '/v1/tickets', { ...as('amy'), body: { subject: 'Photo of the damage', type: 'return', channel: 'app', assigneeId: 'amy' } }), 201);
    const att = ok(await t.call('POST', `/v1/tickets/${created.id}/attachments`, { ...as('amy'), body: { filename: 'damage.png', contentType: 'image/png', size: 5 } }), 201);
    const put = await fetch(att.upload.url, { method: 'PUT', body: 'hello', headers: att.upload.headers });
    expect(put.status).toBe(200);
    expect(ok(await t.call('POST', `/v1/tickets/${created.id}/attachments/${att.attachment.id}/complete`, as('amy')))).toMatchObject({ status: 'ready', size: 5 });
    const dl = ok(await t.call('GET', `/v1/tickets/${created.id}/attachments/${att.attachment.id}`, as('amy')));
    expect(await (await fetch(dl.download.url)).text()).toBe('hello');
    const c = ok(await t.call('POST', `/v1/tickets/${created.id}/comments`, { ...as('amy'), body: { body: 'See the photo', public: false, attachmentIds: [att.attachment.id] } }), 201);
    expect(c.comment.attachmentIds).toEqual([att.attachment.id]);
  });
});
