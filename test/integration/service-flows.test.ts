import type { SQSEvent } from 'aws-lambda';
import { handler as ingestHandler } from '../../functions/workers/ingest';
import { ForbiddenError } from '../../shared/domain/errors';
import { GoneError, RuleViolation } from '../../shared/domain/service/errors';
import type { RawDelivery } from '../../shared/domain/ingest';
import { setDeps } from '../../shared/runtime/deps';
import { DevOutbox } from '../../shared/runtime/messaging';
import { logInteraction } from '../../shared/usecases/interactions';
import { mergeCustomers } from '../../shared/usecases/merge';
import { addSuppression } from '../../shared/usecases/messaging/suppressions';
import { saveSettings } from '../../shared/usecases/service/admin';
import { repointTickets, ticketFromComplaint } from '../../shared/usecases/service/automation';
import { saveCadence, planCare } from '../../shared/usecases/service/cadences';
import { syncTicketTimers } from '../../shared/usecases/service/sla-timers';
import { answerSurvey, handleBadRating, openSurvey, sendNpsSurveys } from '../../shared/usecases/service/surveys';
import { serviceReportFor } from '../../shared/usecases/service/reports';
import { createTicket, updateTicket } from '../../shared/usecases/service/tickets';
import { publishedTypes } from './helpers';
import { newCustomer, seedDesk, serviceWorld, type World } from './service-helpers';

/**
 * The flows that cross features: CSAT after a solve through the dev outbox and the signed link
 * (forged, expired, answered twice), a bad rating into a complaint with a manager task, a
 * complaint interaction into a ticket, an after-sales webhook into a ticket, merges, care cadences.
 */
let w: World;
let outbox: DevOutbox;

beforeAll(async () => {
  w = await serviceWorld('2026-05-12T02:00:00.000Z');
  outbox = new DevOutbox(w.deps.db);
  await seedDesk(w, 'round-robin');
  await saveSettings(w.ctx('admin-1'), { version: 0, surveyDelayMinutes: 30, surveyLinkBaseUrl: 'https://crm.example.com', defaultGroupId: 'care' });
});

const link = (body: string) => {
  const m = /(https:\/\/crm\.example\.com\/v1\/surveys\/([0-9A-Z]{26})\/response\?expires=(\d+)&sig=([\w-]+))/.exec(body);
  if (!m) throw new Error(`no survey link in ${body}`);
  return { url: m[1]!, id: m[2]!, expires: m[3]!, sig: m[4]! };
};

describe('CSAT after a solve, and a bad rating', () => {
  it('sends the survey a configured time after the solve, takes one answer, and turns a 2/5 into a complaint with a task for the manager', async () => {
    const c = await newCustomer(w);
    const t = await createTicket(w.ctx(), { subject: 'Wrong size', type: 'exchange', channel: 'web', customerId: c.id, groupId: 'care' });
    expect(t.assigneeId).toBe('amy');
    await updateTicket(w.ctx('amy'), t.id, { status: 'solved' });
    await syncTicketTimers(w.ctx(), t.id);
    w.clock.advance(29 * 60_000);
    expect(await w.fireDue()).toEqual([]);
    w.clock.advance(60_000);
    expect((await w.fireDue()).map((k) => k.split(':')[0])).toEqual(['survey.send']);

    const [msg] = await outbox.list(10);
    expect(msg).toMatchObject({ channel: 'email', to: c.email, purpose: 'survey', customerId: c.id, subject: `How did we do about your request #${t.number}?` });
    const l = link(msg!.body);
    expect(await openSurvey(w.ctx(), l.id, l)).toMatchObject({ kind: 'csat', status: 'sent', scale: { min: 1, max: 5 } });

    // Forged, then a wrong kind of answer: refused, nothing changes.
    await expect(answerSurvey(w.ctx(), l.id, { ...l, sig: `${l.sig.slice(0, -2)}xx` }, { rating: 5 })).rejects.toThrow(ForbiddenError);
    await expect(answerSurvey(w.ctx(), l.id, { expires: String(Number(l.expires) + 1), sig: l.sig }, { rating: 5 })).rejects.toThrow(ForbiddenError);
    await expect(answerSurvey(w.ctx(), l.id, l, { score: 9 })).rejects.toMatchObject({ issues: [{ field: 'rating' }] });
    expect((await w.deps.surveys.get(l.id))!.status).toBe('sent');

    const answered = await answerSurvey(w.ctx(), l.id, l, { rating: 2, comment: 'Took a week' });
    expect(answered).toMatchObject({ status: 'answered', rating: 2 });
    const twice = await answerSurvey(w.ctx(), l.id, l, { rating: 5 }).catch((e: unknown) => e);
    expect(twice).toBeInstanceOf(RuleViolation);
    expect(twice).toMatchObject({ rule: 'survey-already-answered', status: 409 });
    expect((await w.deps.surveys.get(l.id))!.rating).toBe(2);

    const outcome = await handleBadRating(w.ctx(), l.id);
    expect(outcome!.ticketId).toBe(t.id); // still solved: reopened as a complaint
    const reopened = (await w.deps.tickets.get(t.id))!;
    expect(reopened).toMatchObject({ status: 'open', type: 'complaint', priority: 'high', rating: 2, surveyId: l.id, complaint: { stage: 'recorded' }, reopenedCount: 1 });
    expect(reopened.tags).toContain('bad-rating');
    const task = (await w.deps.tasks.get(outcome!.taskId!))!;
    expect(task).toMatchObject({ kind: 'bad-rating-follow-up', assigneeId: 'boss', links: { ticketId: t.id, customerId: c.id } });
    // Handling the same answer again (a redelivered event) does nothing more.
    expect(await handleBadRating(w.ctx(), l.id)).toEqual(outcome);
    expect((await w.deps.tickets.get(t.id))!.version).toBe(reopened.version);
    expect(await publishedTypes(w.deps)).toEqual(expect.arrayContaining(['SurveySent', 'SurveyAnswered', 'TaskCreated']));

    const r = await serviceReportFor(w.ctx(), { from: '2026-05-12', to: '2026-05-12' });
    expect(r.period.csat).toMatchObject({ responses: 1, average: 2, distribution: { '2': 1 } });
  });

  it('a bad rating on a closed ticket opens a new complaint following it up', async () => {
    const c = await newCustomer(w);
    const t = await createTicket(w.ctx(), { subject: 'Late', type: 'inquiry', channel: 'web', customerId: c.id, groupId: 'care' });
    await updateTicket(w.ctx(), t.id, { status: 'solved' });
    await syncTicketTimers(w.ctx(), t.id);
    await updateTicket(w.ctx(), t.id, { status: 'closed' });
    w.clock.advance(31 * 60_000);
    await w.fireDue();
    const msg = (await outbox.list(50)).find((m) => m.customerId === c.id)!;
    const l = link(msg.body);
    await answerSurvey(w.ctx(), l.id, l, { rating: 1 });
    const outcome = (await handleBadRating(w.ctx(), l.id))!;
    expect(outcome.ticketId).not.toBe(t.id);
    expect(await w.deps.tickets.get(outcome.ticketId!)).toMatchObject({ type: 'complaint', source: 'survey', sourceRef: l.id, followUpOf: t.id, customerId: c.id, groupId: 'care', priority: 'high' });
    expect((await w.deps.tickets.get(t.id))!.status).toBe('closed');
  });

  it('an expired link is 410 and changes nothing', async () => {
    const c = await newCustomer(w);
    const [s] = await sendNpsSurveys(w.ctx(), [c.id], 'spring');
    const l = link((await outbox.list(50)).find((m) => m.customerId === c.id)!.body);
    expect(l.id).toBe(s!.id);
    w.clock.advance(8 * 86_400_000);
    await expect(answerSurvey(w.ctx(), l.id, l, { score: 10 })).rejects.toThrow(GoneError);
    expect((await w.deps.surveys.get(l.id))!.status).toBe('sent');
  });
});

describe('surveys and the suppression list', () => {
  it('skip an address suppressed for a bounce or a complaint, not for a marketing opt-out', async () => {
    const bounced = await newCustomer(w, { phone: '+8613812345678' });
    await addSuppression(w.ctx('admin-1'), { channel: 'email', address: bounced.email!, reason: 'bounce' });
    const complained = await newCustomer(w);
    await addSuppression(w.ctx('admin-1'), { channel: 'email', address: complained.email!, reason: 'complaint' });
    const optedOut = await newCustomer(w);
    await addSuppression(w.ctx('admin-1'), { channel: 'email', address: optedOut.email!, reason: 'opt-out' });
    const sent = await sendNpsSurveys(w.ctx(), [bounced.id, complained.id, optedOut.id], 'suppressions');
    expect(sent.map((s) => [s.customerId, s.status, s.channel])).toEqual([
      [bounced.id, 'sent', 'sms'],
      [complained.id, 'undeliverable', undefined],
      [optedOut.id, 'sent', 'email'],
    ]);
    const messages = (await outbox.list(200)).filter((m) => [bounced.id, complained.id].includes(m.customerId!));
    expect(messages.map((m) => [m.customerId, m.channel])).toEqual([[bounced.id, 'sms']]);
  });
});

describe('tickets from elsewhere', () => {
  it('a complaint interaction opens one complaint ticket linked to it', async () => {
    const c = await newCustomer(w);
    const i = await logInteraction(w.ctx('cid'), c.id, { channel: 'call', type: 'complaint', direction: 'inbound', summary: 'The kettle leaks after two days' });
    const e = { customerId: c.id, interactionId: i.id, channel: i.channel, type: i.type, occurredAt: i.occurredAt };
    const id = await ticketFromComplaint(w.ctx(), e);
    expect(await ticketFromComplaint(w.ctx(), e)).toBe(id);
    expect(await w.deps.tickets.get(id!)).toMatchObject({ type: 'complaint', channel: 'phone', source: 'interaction', interactionIds: [i.id], customerId: c.id, subject: 'Complaint: The kettle leaks after two days', groupId: 'care', complaint: { stage: 'recorded' } });
    expect(await ticketFromComplaint(w.ctx(), { ...e, type: 'inquiry' })).toBeUndefined();
  });

  it('an after-sales request webhook opens a ticket of its kind for the order, once', async () => {
    setDeps(w.deps);
    const body = JSON.stringify({
      id: 'evt-as-1',
      type: 'aftersales.request',
      occurredAt: '2026-05-12T01:00:00Z',
      data: { requestId: 'AS-1', kind: 'refund', customer: { id: 'u-1', email: 'wang.fang@example.com' }, orderId: 'SO-1', reason: 'Crushed tin', amount: '149.00', currency: 'CNY' },
    });
    const deliver = (deliveryId: string) => {
      const d: RawDelivery = { deliveryId, source: 'generic', sourceId: 'erp', topic: 'aftersales.request', receivedAt: '2026-05-12T02:00:00.000Z', body, correlationId: 'as' };
      return ingestHandler({ Records: [{ messageId: deliveryId, body: JSON.stringify(d) }] } as unknown as SQSEvent);
    };
    expect((await deliver('evt-as-1')).batchItemFailures).toEqual([]);
    expect((await deliver('evt-as-1-resent')).batchItemFailures).toEqual([]);
    setDeps(undefined);
    const queue = await w.deps.tickets.list({ by: 'agent', agentId: 'amy' }, 100);
    const cid = await w.deps.tickets.list({ by: 'agent', agentId: 'cid' }, 100);
    const made = [...queue.items, ...cid.items].filter((t) => t.sourceRef === 'generic:erp:AS-1');
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ type: 'refund', channel: 'webhook', source: 'webhook', order: { platform: 'generic', store: 'erp', orderId: 'SO-1' }, subject: 'Refund request for order SO-1', description: 'Crushed tin\nAmount: 149.00 CNY', tags: ['after-sales'] });
  });

  it('a merge takes the open tickets along', async () => {
    const target = await newCustomer(w, { name: 'Target' });
    const source = await newCustomer(w, { name: 'Source' });
    const t = await createTicket(w.ctx(), { subject: 'Merged along', type: 'inquiry', channel: 'web', customerId: source.id });
    await mergeCustomers(w.ctx('admin-1'), target.id, source.id);
    expect(await repointTickets(w.ctx(), target.id, source.id)).toBe(1);
    expect((await w.deps.tickets.get(t.id))!.customerId).toBe(target.id);
    expect((await w.deps.partition.view(target.id, 5))!.openTickets.map((r) => r.ticketId)).toContain(t.id);
  });
});

describe('care cadences', () => {
  it('a post-purchase rule and a birthday rule plan timers; firing them makes the task and sends the message with consent', async () => {
    await saveCadence(w.ctx('admin-1'), { name: '3-day follow-up', trigger: { on: 'order-placed', afterDays: 3 }, action: { kind: 'task', title: 'Post-purchase follow-up', priority: 'normal', dueInHours: 24, groupId: 'care' } });
    await saveCadence(w.ctx('admin-1'), { name: 'Birthday', trigger: { on: 'birthday' }, action: { kind: 'message', channel: 'email', subject: 'Happy birthday', body: 'Happy birthday, {{name}}!' } });
    const c = await newCustomer(w, { name: 'Mei', birthday: '1990-05-25', consent: { email: { granted: true } } });
    const noConsent = await newCustomer(w, { name: 'Han', birthday: '1991-05-25' });
    expect(await planCare(w.ctx(), { type: 'OrderPlaced', data: { customerId: c.id, orderId: 'O-9', platform: 'shopify', store: 'main', placedAt: new Date(w.clock.t).toISOString() } })).toBe(1);
    expect(await planCare(w.ctx(), { type: 'CustomerCreated', data: { customerId: c.id } })).toBe(1);
    expect(await planCare(w.ctx(), { type: 'CustomerCreated', data: { customerId: noConsent.id } })).toBe(1);
    w.clock.set('2026-05-26T00:00:00.000Z');
    const fired = (await w.fireDue()).map((k) => k.split(':')[0]);
    expect(fired.filter((k) => k === 'care.fire')).toHaveLength(3);
    const tasks = [...(await w.deps.tasks.ofAssignee('amy', 'active', 100)).items, ...(await w.deps.tasks.ofAssignee('cid', 'active', 100)).items].filter((t) => t.kind === 'cadence');
    expect(tasks).toEqual([expect.objectContaining({ title: 'Post-purchase follow-up — Mei', links: { customerId: c.id } })]);
    const sent = (await outbox.list(100)).filter((m) => m.purpose === 'care');
    expect(sent).toEqual([expect.objectContaining({ to: c.email, body: 'Happy birthday, Mei!', subject: 'Happy birthday' })]);
    // Next year's birthday is planned.
    const next = await w.deps.timers.due('2027-05-01T00:00:00.000Z', '2027-05-31T00:00:00.000Z');
    expect(next.filter((t) => t.kind === 'care.fire').map((t) => (t.payload as { customerId: string }).customerId).sort()).toEqual([c.id, noConsent.id].sort());
  });
});
