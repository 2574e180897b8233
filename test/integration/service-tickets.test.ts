import { ValidationError } from '../../shared/domain/errors';
import { RuleViolation } from '../../shared/domain/service/errors';
import { createPolicy, saveSettings } from '../../shared/usecases/service/admin';
import { addComment, assignTicket, complaintStep, createFollowUp, createTicket, setCollaborators, updateTicket } from '../../shared/usecases/service/tickets';
import { publishedTypes } from './helpers';
import { newCustomer, seedDesk, serviceWorld, type World } from './service-helpers';

/** Tickets against DynamoDB Local: creation, lifecycle rules, assignment, history, comments, lists through indexes. */
let w: World;
const commands: { name: string; input: Record<string, unknown> }[] = [];

beforeAll(async () => {
  w = await serviceWorld();
  w.deps.db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push({ name: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  await seedDesk(w);
});

const version = async (id: string) => (await w.deps.tickets.get(id))!.version;
const historyOf = async (id: string) => (await w.deps.tickets.history(id, 100)).items;

async function refused<T extends Error>(kind: new (...a: never[]) => T, fn: () => Promise<unknown>): Promise<T> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof kind) return e;
    throw e;
  }
  throw new Error('was not refused');
}

describe('creating a ticket', () => {
  it('writes the ticket, its history, the ref in the customer partition, a timeline line and TicketCreated in one go', async () => {
    const c = await newCustomer(w);
    const t = await createTicket(w.ctx('amy'), { subject: 'Parcel arrived damaged', type: 'return', channel: 'web', customerId: c.id, order: { platform: 'shopify', store: 'main', orderId: '1001' }, tags: ['damaged'] });
    // No default group yet: nobody is assigned and the ticket stays new.
    expect(t).toMatchObject({ number: expect.any(Number), status: 'new', source: 'api', version: 1 });
    expect(t.assigneeId).toBeUndefined();
    const view = await w.deps.partition.view(c.id, 20);
    expect(view!.openTickets).toEqual([expect.objectContaining({ ticketId: t.id, subject: 'Parcel arrived damaged', status: t.status, unsolved: true })]);
    expect(view!.timeline.map((e) => e.summary)).toContain(`Ticket #${t.number} opened: Parcel arrived damaged`);
    expect(await historyOf(t.id)).toEqual([expect.objectContaining({ action: 'created', actorId: 'amy' })]);
    expect(await publishedTypes(w.deps)).toContain('TicketCreated');
  });

  it('refuses an unknown customer, an unknown or inactive assignee, an unknown group: 400 naming the field, nothing written', async () => {
    const before = commands.length;
    for (const [input, field] of [
      [{ customerId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }, 'customerId'],
      [{ assigneeId: 'nobody' }, 'assigneeId'],
      [{ assigneeId: 'gone' }, 'assigneeId'],
      [{ groupId: 'no-such-group' }, 'groupId'],
      [{ groupId: 'care', assigneeId: 'boss' }, 'assigneeId'],
    ] as const) {
      const e = await refused(ValidationError, () => createTicket(w.ctx(), { subject: 'x', type: 'inquiry', channel: 'web', ...input }));
      expect(e.issues[0]!.field).toBe(field);
    }
    const writes = commands.slice(before).filter((c) => /Put|Update|Delete|Transact|BatchWrite/.test(c.name) && !JSON.stringify(c.input).includes('SEQ#ticket'));
    expect(writes).toEqual([]);
  });
});

describe('assignment', () => {
  it('round-robin skips the agent off duty and records the hand-out', async () => {
    const picked: string[] = [];
    for (let i = 0; i < 4; i++) picked.push((await createTicket(w.ctx(), { subject: `rr ${i}`, type: 'inquiry', channel: 'email', groupId: 'care' })).assigneeId!);
    expect(picked).toEqual(['amy', 'cid', 'amy', 'cid']);
    expect((await w.deps.agents.getGroup('care'))!.lastAssigneeId).toBe('cid');
  });

  it('least-loaded gives the ticket to the member on duty with the fewest unsolved tickets', async () => {
    // amy has 3 unsolved from the tests above (1 created by hand is unassigned), cid 2.
    const t = await createTicket(w.ctx(), { subject: 'least', type: 'inquiry', channel: 'email', groupId: 'care' });
    expect(t.assigneeId).toBe('amy'); // round-robin group default
    const ll = await assignTicket(w.ctx(), t.id, { groupId: 'care', mode: 'least-loaded' });
    expect(ll.assigneeId).toBe('cid');
  });

  it('a transfer needs a reason, is recorded in the history, and notifies the new assignee', async () => {
    const t = await createTicket(w.ctx(), { subject: 'transfer me', type: 'repair', channel: 'phone', assigneeId: 'amy' });
    expect(t.status).toBe('open');
    await expect(assignTicket(w.ctx(), t.id, { assigneeId: 'cid', transfer: true })).rejects.toThrow(ValidationError);
    const moved = await assignTicket(w.ctx('amy'), t.id, { assigneeId: 'cid', transfer: true, reason: 'Repairs are Cid’s' });
    expect(moved.assigneeId).toBe('cid');
    expect((await historyOf(t.id)).at(-1)).toMatchObject({ action: 'transferred', actorId: 'amy', reason: 'Repairs are Cid’s', changes: [expect.objectContaining({ field: 'assigneeId', from: 'amy', to: 'cid' })] });
    const notes = await w.deps.notifications.list('cid', { limit: 50 });
    expect(notes.items.map((n) => n.title)).toContain(`Ticket #${t.number} assigned to you: transfer me`);
    expect(await refused(RuleViolation, () => assignTicket(w.ctx(), t.id, { assigneeId: 'cid', transfer: true, reason: 'again' }))).toMatchObject({ rule: 'transfer-to-same' });
  });

  it('assigning to an unknown or inactive agent is a 400 and changes nothing', async () => {
    const t = await createTicket(w.ctx(), { subject: 'keep', type: 'inquiry', channel: 'web' });
    const v = await version(t.id);
    expect((await refused(ValidationError, () => assignTicket(w.ctx(), t.id, { assigneeId: 'gone' }))).issues[0]!.field).toBe('assigneeId');
    expect((await refused(ValidationError, () => assignTicket(w.ctx(), t.id, { assigneeId: 'nobody' }))).issues[0]!.field).toBe('assigneeId');
    expect(await version(t.id)).toBe(v);
  });

  it('collaborators are notified when added and of status changes', async () => {
    const t = await createTicket(w.ctx(), { subject: 'cc', type: 'inquiry', channel: 'web', assigneeId: 'amy' });
    await setCollaborators(w.ctx('amy'), t.id, { add: ['cid'] });
    await updateTicket(w.ctx('amy'), t.id, { status: 'pending' });
    const titles = (await w.deps.notifications.list('cid', { limit: 100 })).items.map((n) => n.title);
    expect(titles).toEqual(expect.arrayContaining([`You were added to ticket #${t.number}: cc`, `Ticket #${t.number} is now pending`]));
    await expect(setCollaborators(w.ctx(), t.id, { add: ['nobody'] })).rejects.toThrow(ValidationError);
  });
});

describe('lifecycle rules', () => {
  it('refuses illegal transitions with 409 naming the rule, and changes nothing', async () => {
    const t = await createTicket(w.ctx(), { subject: 'rules', type: 'inquiry', channel: 'web' });
    const v = await version(t.id);
    const h = (await historyOf(t.id)).length;
    expect(await refused(RuleViolation, () => updateTicket(w.ctx(), t.id, { status: 'solved' }))).toMatchObject({ rule: 'solve-needs-assignee', status: 409 });
    expect(await refused(RuleViolation, () => updateTicket(w.ctx(), t.id, { status: 'closed' }))).toMatchObject({ rule: 'close-only-solved' });
    expect(await version(t.id)).toBe(v);
    expect((await historyOf(t.id)).length).toBe(h);
  });

  it('a customer reply reopens a pending ticket; closed tickets are read-only and get a follow-up instead', async () => {
    const c = await newCustomer(w);
    const t = await createTicket(w.ctx(), { subject: 'where is my parcel', type: 'inquiry', channel: 'chat', customerId: c.id, assigneeId: 'amy' });
    const { ticket: replied } = await addComment(w.ctx('amy'), t.id, { body: 'It left the warehouse today.', public: true, author: 'agent', status: 'pending' });
    expect(replied).toMatchObject({ status: 'pending', firstResponseAt: expect.any(String) });
    const { ticket: back } = await addComment(w.ctx('integration'), t.id, { body: 'Still nothing', public: true, author: 'customer' });
    expect(back.status).toBe('open');
    await updateTicket(w.ctx('amy'), t.id, { status: 'solved' });
    const closed = await updateTicket(w.ctx('amy'), t.id, { status: 'closed' });
    expect(closed.closedAt).toBeDefined();
    expect((await w.deps.partition.view(c.id, 5))!.openTickets.map((r) => r.ticketId)).not.toContain(t.id);
    expect(await refused(RuleViolation, () => addComment(w.ctx(), t.id, { body: 'hello?', public: true, author: 'customer' }))).toMatchObject({ rule: 'closed-is-read-only' });
    expect(await refused(RuleViolation, () => updateTicket(w.ctx(), t.id, { priority: 'high' }))).toMatchObject({ rule: 'closed-is-read-only' });
    const follow = await createFollowUp(w.ctx('amy'), t.id, {});
    expect(follow).toMatchObject({ followUpOf: t.id, customerId: c.id, source: 'follow-up', status: 'new' });
    expect(await refused(RuleViolation, () => createFollowUp(w.ctx(), follow.id, {}))).toMatchObject({ rule: 'follow-up-needs-closed' });
  });

  it('a version that is not the current one is a 409', async () => {
    const t = await createTicket(w.ctx(), { subject: 'versions', type: 'inquiry', channel: 'web' });
    await expect(updateTicket(w.ctx(), t.id, { version: t.version + 1, priority: 'high' })).rejects.toThrow(/version/);
    expect((await updateTicket(w.ctx(), t.id, { version: t.version, priority: 'high' })).version).toBe(t.version + 1);
  });

  it('complaints: recorded → investigated → responded, then solved; the solve brings a follow-up visit task', async () => {
    const c = await newCustomer(w);
    const t = await createTicket(w.ctx(), { subject: 'Rude courier', type: 'complaint', channel: 'phone', customerId: c.id, assigneeId: 'amy' });
    expect(t.complaint).toMatchObject({ stage: 'recorded' });
    expect(await refused(RuleViolation, () => updateTicket(w.ctx('amy'), t.id, { status: 'solved' }))).toMatchObject({ rule: 'complaint-needs-response' });
    await complaintStep(w.ctx('amy'), t.id, { stage: 'investigating', note: 'Courier confirmed the delivery was rushed.' });
    expect(await refused(RuleViolation, () => complaintStep(w.ctx('amy'), t.id, { stage: 'investigating', note: 'again' }))).toMatchObject({ rule: 'complaint-stage-order' });
    await complaintStep(w.ctx('amy'), t.id, { stage: 'responded', note: 'Apologised, 20 CNY coupon.' });
    const solved = await updateTicket(w.ctx('amy'), t.id, { status: 'solved' });
    expect(solved.complaint).toMatchObject({ stage: 'follow-up', followUpTaskId: expect.any(String) });
    const task = await w.deps.tasks.get(solved.complaint!.followUpTaskId!);
    expect(task).toMatchObject({ kind: 'follow-up-visit', assigneeId: 'amy', links: { ticketId: t.id, customerId: c.id }, status: 'open', dueAt: new Date(w.clock.t + 72 * 3_600_000).toISOString() });
    expect(await publishedTypes(w.deps)).toEqual(expect.arrayContaining(['TicketStatusChanged', 'TaskCreated']));
  });
});

describe('lists through indexes', () => {
  it('per status, per agent and per group queue, paginated, never a scan', async () => {
    const from = commands.length;
    const open = await w.deps.tickets.list({ by: 'status', status: 'open' }, 2);
    expect(open.items).toHaveLength(2);
    const rest = await w.deps.tickets.list({ by: 'status', status: 'open' }, 100, open.cursor);
    const all = [...open.items, ...rest.items];
    expect(new Set(all.map((t) => t.id)).size).toBe(all.length);
    expect(all.every((t) => t.status === 'open')).toBe(true);
    expect(all.map((t) => t.id)).toEqual([...all.map((t) => t.id)].sort().reverse());
    const amy = await w.deps.tickets.list({ by: 'agent', agentId: 'amy', status: 'unsolved' }, 100);
    expect(amy.items.length).toBeGreaterThan(0);
    expect(amy.items.every((t) => t.assigneeId === 'amy' && ['new', 'open', 'pending', 'on-hold'].includes(t.status))).toBe(true);
    const queue = await w.deps.tickets.list({ by: 'queue' }, 100);
    expect(queue.items.every((t) => !t.assigneeId)).toBe(true);
    const reads = commands.slice(from).filter((c) => c.name === 'QueryCommand' || c.name === 'ScanCommand');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((c) => c.name === 'QueryCommand' && typeof c.input.IndexName === 'string')).toBe(true);
    await expect(w.deps.tickets.list({ by: 'status', status: 'open' }, 2, 'bm90LWEtY3Vyc29y')).rejects.toThrow(ValidationError);
  });
});

describe('SLA policy matching on creation and on change', () => {
  it('the first matching policy applies; a priority change re-targets the clocks', async () => {
    await createPolicy(w.ctx('admin-1'), { name: 'Urgent', position: 1, conditions: { priorities: ['urgent'] }, targets: { firstResponse: 15, resolution: 240 }, hours: 'calendar' });
    await createPolicy(w.ctx('admin-1'), { name: 'Everything else', position: 9, targets: { firstResponse: 240 }, hours: 'calendar' });
    await expect(createPolicy(w.ctx('admin-1'), { name: 'dup', position: 9, targets: { firstResponse: 1 }, hours: 'calendar' })).rejects.toThrow(/Position 9 is taken/);
    const t = await createTicket(w.ctx(), { subject: 'sla', type: 'inquiry', channel: 'web' });
    expect(t.sla!.policy.name).toBe('Everything else');
    expect(t.sla!.clocks.firstResponse!.dueAt).toBe(new Date(w.clock.t + 240 * 60_000).toISOString());
    w.clock.advance(5 * 60_000);
    const urgent = await updateTicket(w.ctx(), t.id, { priority: 'urgent' });
    expect(urgent.sla!.policy.name).toBe('Urgent');
    expect(urgent.sla!.clocks.firstResponse!.dueAt).toBe(new Date(Date.parse(t.createdAt) + 15 * 60_000).toISOString());
    expect(urgent.sla!.clocks.resolution).toMatchObject({ state: 'running' });
    await saveSettings(w.ctx('admin-1'), { version: 0, defaultGroupId: 'care' });
    const auto = await createTicket(w.ctx(), { subject: 'default group', type: 'inquiry', channel: 'web' });
    expect(auto).toMatchObject({ groupId: 'care', assigneeId: expect.stringMatching(/^(amy|cid)$/), status: 'open' });
  });
});
