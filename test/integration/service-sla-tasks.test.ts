import { createPolicy, saveSettings } from '../../shared/usecases/service/admin';
import { syncTaskTimers } from '../../shared/usecases/service/reminders';
import { syncTicketTimers } from '../../shared/usecases/service/sla-timers';
import { createTask, updateTask } from '../../shared/usecases/service/tasks';
import { addComment, createTicket, updateTicket } from '../../shared/usecases/service/tickets';
import { serviceReportFor } from '../../shared/usecases/service/reports';
import { publishedTypes } from './helpers';
import { newCustomer, seedDesk, serviceWorld, type World } from './service-helpers';

/**
 * The timed side against DynamoDB Local with a clock the test moves: SLA warnings, breaches and
 * escalation through the timers facility, pauses while pending, auto-close, task reminders and
 * the overdue escalation, and the report built from the counters.
 */
const MIN = 60_000;
let w: World;

beforeAll(async () => {
  w = await serviceWorld('2026-05-12T02:00:00.000Z');
  await seedDesk(w, 'manual');
  await createPolicy(w.ctx('admin-1'), { name: 'Standard', position: 1, targets: { firstResponse: 30, nextResponse: 60, resolution: 240 }, hours: 'calendar', warnAtShare: 0.5 });
});

const fired = async () => (await w.fireDue()).map((k) => k.split(':')[0]);

describe('SLA timers', () => {
  it('warns at the share of the target, breaches at it, escalates to the group manager; each once, never early', async () => {
    const c = await newCustomer(w);
    const t = await createTicket(w.ctx(), { subject: 'No reply yet', type: 'inquiry', channel: 'email', customerId: c.id, groupId: 'care', assigneeId: 'amy' });
    expect(await syncTicketTimers(w.ctx(), t.id)).toBe(4);
    w.clock.advance(14 * MIN);
    expect(await fired()).toEqual([]);
    w.clock.advance(1 * MIN);
    expect(await fired()).toEqual(['sla.warn']);
    await syncTicketTimers(w.ctx(), t.id);
    expect(await fired()).toEqual([]);
    w.clock.advance(15 * MIN);
    expect(await fired()).toEqual(['sla.breach']);
    const breached = (await w.deps.tickets.get(t.id))!;
    expect(breached.sla!.breached).toBe(true);
    expect(breached.sla!.clocks.firstResponse).toMatchObject({ breachedAt: new Date(w.clock.t).toISOString(), outcome: 'breached', state: 'running' });
    expect(breached.escalation).toMatchObject({ to: 'boss', reason: 'first response SLA breached' });
    const boss = await w.deps.notifications.list('boss', { limit: 20 });
    expect(boss.items.map((n) => n.kind)).toEqual(['escalation']);
    const amy = await w.deps.notifications.list('amy', { limit: 20 });
    expect(amy.items.map((n) => n.kind)).toEqual(expect.arrayContaining(['sla-warning', 'sla-breach']));
    expect(await publishedTypes(w.deps)).toEqual(expect.arrayContaining(['SlaWarning', 'SlaBreached']));
    // Firing the same timers again (a redelivery) changes nothing.
    expect(await fired()).toEqual([]);
    expect((await w.deps.tickets.get(t.id))!.version).toBe(breached.version);
    const history = (await w.deps.tickets.history(t.id, 50)).items.map((h) => h.action);
    expect(history).toEqual(['created', 'sla-warning:firstResponse', 'sla-breach:firstResponse']);
  });

  it('pending pauses the clock: the old timer is stale, the new due time fires instead', async () => {
    const t = await createTicket(w.ctx(), { subject: 'Paused', type: 'inquiry', channel: 'email', assigneeId: 'amy' });
    await addComment(w.ctx('amy'), t.id, { body: 'We need your order number.', public: true, author: 'agent', status: 'pending' });
    await syncTicketTimers(w.ctx(), t.id);
    w.clock.advance(300 * MIN); // resolution (240) would have breached by now, but it is paused
    await fired();
    expect((await w.deps.tickets.get(t.id))!.sla!.breached).toBe(false);
    await addComment(w.ctx('integration'), t.id, { body: 'It is #1001', public: true, author: 'customer' });
    await syncTicketTimers(w.ctx(), t.id);
    const resumed = (await w.deps.tickets.get(t.id))!;
    expect(resumed.status).toBe('open');
    expect(resumed.sla!.clocks.nextResponse).toMatchObject({ state: 'running', cycle: 1 });
    w.clock.advance(60 * MIN);
    expect(await fired()).toEqual(expect.arrayContaining(['sla.breach']));
    const after = (await w.deps.tickets.get(t.id))!;
    expect(after.sla!.clocks.nextResponse!.breachedAt).toBeDefined();
    expect(after.sla!.clocks.resolution!.breachedAt).toBeUndefined();
  });

  it('a solved ticket closes by itself after the configured days, unless reopened meanwhile', async () => {
    await saveSettings(w.ctx('admin-1'), { version: 0, autoCloseDays: 2 });
    const t = await createTicket(w.ctx(), { subject: 'Done soon', type: 'inquiry', channel: 'email', assigneeId: 'cid' });
    await updateTicket(w.ctx('cid'), t.id, { status: 'solved' });
    await syncTicketTimers(w.ctx(), t.id);
    const reopened = await createTicket(w.ctx(), { subject: 'Reopened', type: 'inquiry', channel: 'email', assigneeId: 'cid' });
    await updateTicket(w.ctx('cid'), reopened.id, { status: 'solved' });
    await syncTicketTimers(w.ctx(), reopened.id);
    await addComment(w.ctx('integration'), reopened.id, { body: 'Not fixed', public: true, author: 'customer' });
    w.clock.advance(2 * 86_400_000 - MIN);
    await fired();
    expect((await w.deps.tickets.get(t.id))!.status).toBe('solved');
    w.clock.advance(MIN);
    await fired();
    expect((await w.deps.tickets.get(t.id))!.status).toBe('closed');
    expect((await w.deps.tickets.get(reopened.id))!.status).toBe('open');
  });
});

describe('tasks and reminders', () => {
  it('reminds before and at the due time, escalates an overdue task to the manager; a done task stays quiet', async () => {
    const due = new Date(w.clock.t + 120 * MIN).toISOString();
    const task = await createTask(w.ctx('boss'), { title: 'Call back Mrs Wang', assigneeId: 'amy', dueAt: due, remindBeforeMinutes: 30, mentions: ['cid'], priority: 'high', completionCriteria: 'Customer confirmed the refund arrived' });
    const quiet = await createTask(w.ctx('boss'), { title: 'Already done', assigneeId: 'cid', dueAt: due });
    expect(await syncTaskTimers(w.ctx(), task.id)).toBe(3);
    await syncTaskTimers(w.ctx(), quiet.id);
    await updateTask(w.ctx('cid'), quiet.id, { status: 'done' });
    expect((await w.deps.notifications.list('amy', { limit: 100 })).items.map((n) => n.title)).toContain('New task: Call back Mrs Wang');
    expect((await w.deps.notifications.list('cid', { limit: 100 })).items.map((n) => n.kind)).toContain('mention');
    // Each instant fires both tasks' timers; the done task's find it done and do nothing.
    w.clock.advance(90 * MIN);
    expect(await fired()).toEqual(['task.reminder', 'task.reminder']);
    w.clock.advance(30 * MIN);
    expect(await fired()).toEqual(['task.reminder', 'task.reminder']);
    w.clock.advance(60 * MIN);
    expect(await fired()).toEqual(['task.reminder', 'task.reminder']);
    const amy = (await w.deps.notifications.list('amy', { limit: 100 })).items.filter((n) => n.taskId === task.id).map((n) => n.kind);
    expect(amy.sort()).toEqual(['due', 'overdue', 'reminder', 'task']);
    expect((await w.deps.notifications.list('cid', { limit: 100 })).items.filter((n) => n.taskId === quiet.id).map((n) => n.kind)).toEqual(['task']); // only the hand-out
    const boss = (await w.deps.notifications.list('boss', { limit: 100 })).items.filter((n) => n.taskId === task.id);
    expect(boss.map((n) => n.kind)).toEqual(['escalation']);
    expect(await w.deps.tasks.get(task.id)).toMatchObject({ escalatedTo: 'boss', escalatedAt: expect.any(String) });
    expect(await publishedTypes(w.deps)).toEqual(expect.arrayContaining(['TaskCreated', 'TaskUpdated', 'TaskOverdue']));
    const mine = await w.deps.tasks.ofAssignee('amy', 'active', 10);
    expect(mine.items.map((t) => t.id)).toContain(task.id);
  });

  it('moving the due time makes the old reminders stale', async () => {
    const task = await createTask(w.ctx('boss'), { title: 'Moved', assigneeId: 'cid', dueAt: new Date(w.clock.t + 10 * MIN).toISOString(), remindBeforeMinutes: 0 });
    await syncTaskTimers(w.ctx(), task.id);
    await updateTask(w.ctx('cid'), task.id, { dueAt: new Date(w.clock.t + 24 * 60 * MIN).toISOString() });
    await syncTaskTimers(w.ctx(), task.id);
    w.clock.advance(11 * MIN);
    await fired();
    expect((await w.deps.notifications.list('cid', { limit: 100 })).items.filter((n) => n.taskId === task.id && n.kind === 'due')).toEqual([]);
  });

  it('refuses an unknown assignee or mention, naming the field', async () => {
    await expect(createTask(w.ctx(), { title: 'x', assigneeId: 'nobody' })).rejects.toMatchObject({ issues: [{ field: 'assigneeId', message: expect.stringContaining('nobody') }] });
    await expect(createTask(w.ctx(), { title: 'x', assigneeId: 'amy', mentions: ['gone'] })).rejects.toMatchObject({ issues: [{ field: 'mentions.0', message: expect.stringContaining('inactive') }] });
  });
});

describe('the report', () => {
  it('counts tickets by status, priority, type and agent, first response and resolution times and SLA compliance, from counters', async () => {
    const r = await serviceReportFor(w.ctx(), { from: '2026-05-01', to: '2026-05-31' });
    expect(r.current.byStatus.closed).toBe(1);
    expect(r.current.unsolvedByAgent.amy).toBeGreaterThanOrEqual(2);
    expect(r.period.created).toBe(4);
    expect(r.period.createdByType).toEqual({ inquiry: 4 });
    expect(r.period.sla.firstResponse).toMatchObject({ breached: 1 });
    expect(r.period.sla.nextResponse).toMatchObject({ breached: 1 });
    expect(r.period.solved).toBe(2);
    expect(r.period.averageResolutionMinutes).toBe(0);
    expect(r.period.averageFirstResponseMinutes).not.toBeNull();
  });
});
