import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { verifyCrmSignature } from '../../shared/http/webhook-signatures';
import { EnrollmentsRepo } from '../../shared/store/enrollments-repo';
import { customerPk, SK } from '../../shared/store/keys';
import { repoOf } from '../../shared/store/repo-of';
import { updateCustomer } from '../../shared/usecases/customers';
import { putSecret } from '../../shared/usecases/journeys/secrets';
import { journeyStats } from '../../shared/usecases/journeys/stats';
import { putAgent } from '../../shared/usecases/service/admin';
import { sourceStats } from '../../shared/usecases/messaging/stats';
import { journeyWorld, ordered, type JourneyWorld } from './journeys-world';

/**
 * Steps with effects and the triggers besides plain events: a first-order filter, condition and
 * random splits, tags, tasks, tickets and a signed webhook, a segment trigger, a birthday trigger
 * through its timers (and next year's), and the stats that count them.
 */
const DAY = 86_400_000;
let w: JourneyWorld;
let tpl: string;
const hooks: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
let server: Server;
let hookUrl = '';
let failNextHooks = 0;

beforeAll(async () => {
  w = await journeyWorld('2026-05-12T04:00:00.000Z');
  tpl = await w.emailTemplate('steps');
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hooks.push({ headers: req.headers, body });
      if (failNextHooks > 0) {
        failNextHooks--;
        res.writeHead(503).end();
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/journey-hook`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});
afterEach(() => w.archiveAll());

/** The aggregates the order projection would keep (this test feeds events by hand). */
async function orderHistory(customerId: string, firstOrderAt: string, lastOrderAt: string, orderCount: number) {
  await w.deps.db.doc.send(new PutCommand({ TableName: w.deps.db.tableName, Item: { PK: customerPk(customerId), SK: SK.aggregates, entity: 'aggregates', orderCount, spentMinor: { USD: 10000 * orderCount }, refundedMinor: {}, firstOrderAt, lastOrderAt, days: {}, version: 1 } }));
}

it('a first order starts the journey, a repeat one does not; the steps tag, make a task and a ticket, and call the signed webhook', async () => {
  await putAgent(w.ctx('admin'), 'vip-manager', { name: 'VIP manager' });
  await putSecret(w.jctx, 'crm-hooks', 'a-very-long-signing-secret-0001');
  const id = await w.live({
    name: 'First order',
    definition: {
      trigger: { type: 'event', event: 'OrderPlaced', filters: [{ field: 'isFirstOrder', op: 'eq', value: true }] },
      steps: [
        { id: 'big', type: 'condition', triggerFilters: [{ field: 'totalMinor', op: 'gte', value: 10000 }], yes: 'tag-big', no: 'thanks' },
        { id: 'tag-big', type: 'tag', add: ['first-big-order'], next: 'call' },
        { id: 'call', type: 'task', title: 'Welcome call for a big first order', assigneeId: 'vip-manager', dueInHours: 24, priority: 'high', next: 'ticket' },
        { id: 'ticket', type: 'ticket', subject: 'Check the first big order', ticketType: 'inquiry', next: 'hook' },
        { id: 'hook', type: 'webhook', url: hookUrl, secretRef: 'crm-hooks', payload: { campaign: 'first-order' }, next: 'thanks' },
        { id: 'thanks', type: 'message', channel: 'email', templateId: tpl, purpose: 'transactional' },
      ],
      reentry: { mode: 'never' },
    },
  });
  const first = await w.customer();
  const placed = new Date(w.clock.t).toISOString();
  await orderHistory(first, placed, placed, 1);
  const r = await w.deliver(w.event('OrderPlaced', { ...ordered(first, 'o-first', placed), totalMinor: 25000 }));
  expect(r.entries).toEqual({ [id]: 'entered' });
  const e = (await w.enrollmentsOf(first))[0]!;
  expect(e).toMatchObject({ status: 'completed', stepsRun: 6 });
  expect(await w.history(e.id)).toEqual([
    'entered OrderPlaced',
    'step big yes',
    'step tag-big ok',
    'step call created',
    'step ticket created',
    'step hook delivered',
    'step thanks sent',
    'completed end',
  ]);
  expect((await w.deps.customers.get(first))!.tags).toContain('first-big-order');
  const lines = (await repoOf(w.deps, EnrollmentsRepo).history(e.id, 50)).items;
  const taskId = lines.find((h) => h.stepId === 'call')!.detail!.taskId as string;
  expect(await w.deps.tasks.get(taskId)).toMatchObject({ assigneeId: 'vip-manager', priority: 'high', links: { customerId: first }, createdBy: `system:journey:${id}` });
  const ticketId = lines.find((h) => h.stepId === 'ticket')!.detail!.ticketId as string;
  expect(await w.deps.tickets.get(ticketId)).toMatchObject({ customerId: first, type: 'inquiry', sourceRef: `journey:${id}:${e.id}` });
  expect(hooks).toHaveLength(1);
  const hook = hooks[0]!;
  expect(verifyCrmSignature(Buffer.from(hook.body), hook.headers['x-crm-signature'] as string, ['a-very-long-signing-secret-0001'], w.clock.t).ok).toBe(true);
  expect(hook.headers['x-crm-delivery']).toBe(`jrn:${e.id}:hook:1`);
  expect(JSON.parse(hook.body)).toMatchObject({ type: 'journey.step', journeyId: id, enrollmentId: e.id, stepId: 'hook', customerId: first, campaign: 'first-order', trigger: { kind: 'event', event: 'OrderPlaced' } });

  // A repeat buyer's order: the filter refuses it.
  const repeat = await w.customer();
  await orderHistory(repeat, '2025-01-01T00:00:00.000Z', placed, 2);
  expect((await w.deliver(w.event('OrderPlaced', ordered(repeat, 'o-repeat', placed)))).entries).toEqual({ [id]: 'trigger-mismatch' });
  // A small first order goes the other way.
  const small = await w.customer();
  await orderHistory(small, placed, placed, 1);
  await w.deliver(w.event('OrderPlaced', { ...ordered(small, 'o-small', placed), totalMinor: 900 }));
  expect(await w.history((await w.enrollmentsOf(small))[0]!.id)).toEqual(['entered OrderPlaced', 'step big no', 'step thanks sent', 'completed end']);
  const s = await journeyStats(w.jctx, id);
  expect(s).toMatchObject({ enrolled: 2, completed: 2, active: 0 });
  expect(s.steps.big).toEqual({ reached: 2, outcomes: { yes: 1, no: 1 } });
  expect(s.steps.thanks!.outcomes).toEqual({ sent: 2 });
});

it('a webhook that answers 503 is tried again later, then the journey goes on', async () => {
  const id = await w.live({
    name: 'Flaky hook',
    definition: { trigger: { type: 'event', event: 'CheckoutAbandoned' }, steps: [{ id: 'hook', type: 'webhook', url: hookUrl, secretRef: 'crm-hooks', next: 'tag' }, { id: 'tag', type: 'tag', add: ['hooked'] }], reentry: { mode: 'never' } },
  });
  failNextHooks = 1;
  const before = hooks.length;
  const c = await w.customer();
  await w.deliver(w.event('CheckoutAbandoned', { customerId: c, checkoutId: 'chk-h', platform: 'shopify', store: 's', totalMinor: 100, currency: 'USD' }));
  const e = (await w.enrollmentsOf(c)).find((x) => x.journeyId === id)!;
  expect(e.position).toMatchObject({ stepId: 'hook', phase: 'wait', attempt: 1 });
  w.clock.advance(60_000);
  await w.fireAll();
  expect(hooks.length - before).toBe(2);
  expect(new Set(hooks.slice(before).map((h) => h.headers['x-crm-delivery']))).toEqual(new Set([`jrn:${e.id}:hook:1`]));
  expect(await w.history(e.id)).toEqual(['entered CheckoutAbandoned', 'retry hook failed', 'step hook delivered', 'step tag ok', 'completed end']);
});

it('a random split sends each branch its own message, counted per variant', async () => {
  const other = await w.emailTemplate('variant B');
  const id = await w.live({
    name: 'A/B',
    definition: {
      trigger: { type: 'segment', segmentId: 'SEG-AB' },
      steps: [
        { id: 'ab', type: 'split', branches: [{ name: 'A', percent: 50, next: 'mail-a' }, { name: 'B', percent: 50, next: 'mail-b' }] },
        { id: 'mail-a', type: 'message', channel: 'email', templateId: tpl, purpose: 'marketing' },
        { id: 'mail-b', type: 'message', channel: 'email', templateId: other, purpose: 'marketing' },
      ],
      reentry: { mode: 'never' },
    },
  }).catch((e) => e);
  // The segment must exist.
  expect(id).toMatchObject({ status: 400, issues: [{ field: 'trigger.segmentId', message: 'names no segment "SEG-AB"' }] });
  const now = new Date(w.clock.t).toISOString();
  await w.deps.definitions.putSegment({ id: 'SEG-AB', name: 'AB', condition: { kind: 'tag', op: 'has', value: 'ab' }, version: 1, createdAt: now, updatedAt: now });
  const jid = await w.live({
    name: 'A/B',
    definition: {
      trigger: { type: 'segment', segmentId: 'SEG-AB' },
      steps: [
        { id: 'ab', type: 'split', branches: [{ name: 'A', percent: 50, next: 'mail-a' }, { name: 'B', percent: 50, next: 'mail-b' }] },
        { id: 'mail-a', type: 'message', channel: 'email', templateId: tpl, purpose: 'marketing' },
        { id: 'mail-b', type: 'message', channel: 'email', templateId: other, purpose: 'marketing' },
      ],
      reentry: { mode: 'never' },
    },
  });
  const customers = await Promise.all(Array.from({ length: 12 }, () => w.customer()));
  for (const c of customers) {
    expect((await w.deliver(w.event('SegmentExited', { customerId: c, segmentId: 'SEG-AB' }))).entries).toEqual({});
    expect((await w.deliver(w.event('SegmentEntered', { customerId: c, segmentId: 'SEG-OTHER' }))).entries).toEqual({ [jid]: 'trigger-mismatch' });
    await w.deliver(w.event('SegmentEntered', { customerId: c, segmentId: 'SEG-AB' }));
  }
  const variants = await Promise.all(customers.map(async (c) => (await w.enrollmentsOf(c)).find((e) => e.journeyId === jid)!.variant));
  const stats = await sourceStats(w.deps, 'journey', jid);
  expect(stats.total.sent).toBe(12);
  expect(stats.byVariant['ab:A']?.sent ?? 0).toBe(variants.filter((v) => v === 'ab:A').length);
  expect(stats.byVariant['ab:B']?.sent ?? 0).toBe(variants.filter((v) => v === 'ab:B').length);
  expect(new Set(variants).size).toBe(2);
  void id;
});

it('a birthday journey: timers planned for everyone at publish and on a changed birthday; each enters once at 09:00 their time, and next year is planned', async () => {
  const ann = await w.customer({ birthday: '1990-05-14' });
  const bob = await w.customer();
  const jid = await w.live({
    name: 'Birthday',
    definition: { trigger: { type: 'date', on: 'birthday', time: '09:00' }, steps: [{ id: 'greet', type: 'message', channel: 'email', templateId: tpl, purpose: 'marketing', vars: { couponCode: 'BDAY' } }], reentry: { mode: 'always' }, timeZone: 'Asia/Shanghai' },
  });
  await w.fireAll(); // the planning walk
  // Bob adds his birthday later (tomorrow): the customer event plans his.
  const b = (await w.deps.customers.get(bob))!;
  await updateCustomer(w.jctx, bob, b.version, { birthday: '1985-05-13' });
  await w.deliver(w.event('CustomerUpdated', { customerId: bob, changed: ['birthday'] }));
  const due = await w.deps.timers.due(new Date(w.clock.t).toISOString(), '2026-12-31T00:00:00.000Z');
  const mine = due.filter((t) => t.kind === 'journey.date' && t.key.startsWith(jid));
  expect(mine.map((t) => [t.key.split(':').slice(1).join(':'), t.dueAt]).sort()).toEqual([
    [`${ann}:birthday:2026-05-14`, '2026-05-14T01:00:00.000Z'],
    [`${bob}:birthday:2026-05-13`, '2026-05-13T01:00:00.000Z'],
  ]);
  w.clock.set('2026-05-14T01:00:00.000Z');
  await w.fireAll();
  for (const c of [ann, bob]) {
    const list = (await w.enrollmentsOf(c)).filter((e) => e.journeyId === jid);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'completed', trigger: { kind: 'date', eventType: 'date:birthday' } });
  }
  const next = (await w.deps.timers.due('2027-01-01T00:00:00.000Z', '2027-12-31T00:00:00.000Z')).filter((t) => t.kind === 'journey.date' && t.key.startsWith(jid)).map((t) => t.dueAt).sort();
  expect(next).toEqual(['2027-05-13T01:00:00.000Z', '2027-05-14T01:00:00.000Z']);
  // Next year: they enter again (once per occasion).
  w.clock.set('2027-05-14T01:00:00.000Z');
  await w.fireAll();
  expect((await w.enrollmentsOf(ann)).filter((e) => e.journeyId === jid)).toHaveLength(2);
  void DAY;
});

it('win-back: 90 days after the last order at 10:00 local; a newer order makes the earlier occasion stale', async () => {
  w.clock.set('2026-05-12T04:00:00.000Z');
  const jid = await w.live({ name: 'Win-back', templateId: 'win-back', messages: { 'we-miss-you': { templateId: tpl }, 'last-chance': { templateId: tpl } } });
  const c = await w.customer();
  const first = new Date(w.clock.t).toISOString();
  await orderHistory(c, first, first, 1);
  await w.deliver(w.event('OrderPlaced', ordered(c, 'o-wb-1', first)));
  const planned = async () => (await w.deps.timers.due(new Date(w.clock.t).toISOString(), '2027-12-31T00:00:00.000Z')).filter((t) => t.kind === 'journey.date' && t.key.startsWith(`${jid}:${c}`));
  // 2026-05-12 + 90 days = 2026-08-10, 10:00 in the brand's zone (Asia/Shanghai) = 02:00Z.
  expect((await planned()).map((t) => t.dueAt)).toEqual(['2026-08-10T02:00:00.000Z']);
  w.clock.set('2026-06-01T00:00:00.000Z');
  const second = new Date(w.clock.t).toISOString();
  await orderHistory(c, first, second, 2);
  await w.deliver(w.event('OrderPlaced', ordered(c, 'o-wb-2', second)));
  expect((await planned()).map((t) => t.dueAt)).toEqual(['2026-08-10T02:00:00.000Z', '2026-08-30T02:00:00.000Z']);
  w.clock.set('2026-08-10T02:00:00.000Z');
  await w.fireAll();
  expect((await w.enrollmentsOf(c)).filter((e) => e.journeyId === jid)).toEqual([]);
  w.clock.set('2026-08-30T02:00:00.000Z');
  await w.fireAll();
  const [e] = (await w.enrollmentsOf(c)).filter((x) => x.journeyId === jid);
  expect(e).toMatchObject({ trigger: { kind: 'date', eventType: 'date:last-order', eventId: `date:last-order:${second}` }, position: { stepId: 'wait-7d', phase: 'wait' } });
  expect(await w.sends(`jrn:${e!.id}:we-miss-you:1`)).toBe(1);
});

it('journeys started by what journey steps did stop after a few links: a tag toggle cannot loop forever', async () => {
  const { drainStream } = await import('../support/stream');
  const jid = await w.live({
    name: 'Toggle',
    definition: {
      trigger: { type: 'event', event: 'CustomerTagsChanged' },
      steps: [{ id: 'has', type: 'condition', condition: { kind: 'tag', op: 'has', value: 'ping' }, yes: 'off', no: 'on' }, { id: 'off', type: 'tag', remove: ['ping'] }, { id: 'on', type: 'tag', add: ['ping'] }],
      reentry: { mode: 'always' },
    },
  });
  const c = await w.customer();
  const publisher = (await w.deps.publisher!()) as unknown as { events: { type: string; correlationId: string; data: { customerId?: string } }[] };
  await drainStream(w.deps as never);
  let seen = publisher.events.length;
  let outcome = await w.deliver(w.event('CustomerTagsChanged', { customerId: c, added: ['start'], removed: [], source: 'manual' }));
  const outcomes = [outcome.entries[jid]];
  for (let round = 0; round < 10; round++) {
    await drainStream(w.deps as never);
    const next = publisher.events.slice(seen).filter((e) => e.type === 'CustomerTagsChanged' && e.data.customerId === c);
    seen = publisher.events.length;
    if (next.length === 0) break;
    for (const e of next) {
      outcome = await w.deliver(e as never);
      outcomes.push(outcome.entries[jid]);
    }
  }
  expect(outcomes).toEqual(['entered', 'entered', 'entered', 'entered', 'chain-too-deep']);
  const depths = (await w.enrollmentsOf(c)).filter((e) => e.journeyId === jid).map((e) => e.trigger.depth ?? 0).sort();
  expect(depths).toEqual([0, 1, 2, 3]);
});
