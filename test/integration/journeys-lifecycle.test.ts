import { ConflictError, ValidationError } from '../../shared/domain/errors';
import { EnrollmentsRepo } from '../../shared/store/enrollments-repo';
import { JourneysRepo } from '../../shared/store/journeys-repo';
import { repoOf } from '../../shared/store/repo-of';
import { TemplatesRepo } from '../../shared/store/templates-repo';
import { deleteCustomer } from '../../shared/usecases/customers';
import { forgetTriggers } from '../../shared/usecases/journeys/cache';
import { archiveJourney, createJourney, pauseJourney, publishJourney, requireJourney, resumeJourney, updateJourney } from '../../shared/usecases/journeys/journeys';
import { exitByHand, listJourneyEnrollments, validateDefinition } from '../../shared/usecases/journeys/queries';
import { journeyStats } from '../../shared/usecases/journeys/stats';
import { abandoned, abandonedCart, journeyWorld, type JourneyWorld } from './journeys-world';

/** Creating journeys (from templates too), what they may name, and their lifecycle: publish, pause, resume, archive, exits by hand. */
const H = 3_600_000;
let w: JourneyWorld;
let t1: string;
let t2: string;
beforeAll(async () => {
  w = await journeyWorld();
  t1 = await w.emailTemplate('one');
  t2 = await w.emailTemplate('two');
});

async function refused(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ValidationError) return e.issues.map((i) => `${i.field}: ${i.message}`);
    throw e;
  }
  throw new Error('expected a 400');
}

describe('creating journeys', () => {
  it('from a ready-made template: its message templates made, versions pinned, step overrides applied', async () => {
    const before = (await repoOf(w.deps, TemplatesRepo).list(100)).items.length;
    const j = await createJourney(w.jctx, { name: 'Cart', templateId: 'abandoned-cart', overrides: { 'wait-1h': { wait: { kind: 'duration', value: 2, unit: 'seconds' } } } });
    const steps = j.definition.steps;
    expect(steps.map((s) => s.id)).toEqual(['wait-1h', 'reminder-1h', 'wait-24h', 'reminder-24h']);
    expect(steps[0]).toMatchObject({ wait: { kind: 'duration', value: 2, unit: 'seconds' } });
    const made = (await repoOf(w.deps, TemplatesRepo).list(100)).items;
    expect(made.length - before).toBe(2);
    const reminder = steps[1] as { templateId: string; templateVersion: number };
    expect(reminder.templateVersion).toBe(1);
    expect(made.find((t) => t.id === reminder.templateId)).toMatchObject({ channel: 'email', name: 'Abandoned cart: 1 hour' });
    expect(j).toMatchObject({ status: 'draft', hasDraft: true, versions: 0, templateId: 'abandoned-cart' });
  });

  it('with your own message template for a step; a bad override is refused before any template is made', async () => {
    const j = await createJourney(w.jctx, { name: 'Cart 2', templateId: 'abandoned-cart', messages: { 'reminder-1h': { templateId: t1 }, 'reminder-24h': { templateId: t2 } } });
    expect(j.definition.steps.filter((s) => s.type === 'message').map((s) => (s as { templateId: string }).templateId)).toEqual([t1, t2]);
    const before = (await repoOf(w.deps, TemplatesRepo).list(100)).items.length;
    expect(await refused(createJourney(w.jctx, { name: 'Bad', templateId: 'abandoned-cart', overrides: { 'wait-1h': { wait: { kind: 'duration', value: 0, unit: 'hours' } }, nope: { x: 1 } } }))).toEqual([
      'overrides.nope: the template has no step "nope" (steps: wait-1h, reminder-1h, wait-24h, reminder-24h)',
      'overrides.wait-1h.wait.value: must be a whole number, the wait at most 366 days',
    ]);
    expect(await refused(createJourney(w.jctx, { name: 'Bad', templateId: 'no-such' }))).toEqual([expect.stringMatching(/^templateId: is not a journey template \(templates: welcome-series, abandoned-cart/)]);
    expect(await refused(createJourney(w.jctx, { name: 'Bad', templateId: 'abandoned-cart', messages: { 'reminder-1h': { templateId: 'NOPE' } } }))).toEqual(['messages.reminder-1h.templateId: names no message template "NOPE"']);
    expect((await repoOf(w.deps, TemplatesRepo).list(100)).items.length).toBe(before);
  });

  it('refuses what names nothing: templates, versions, channels, segments, rule tags, secrets, agents', async () => {
    const def = abandonedCart('NOPE', t2);
    (def.steps[3] as { templateVersion?: number }).templateVersion = 9;
    (def.steps[3] as { channel: string }).channel = 'email';
    const now = new Date(w.clock.t).toISOString();
    await w.deps.definitions.putTag({ name: 'Big-Spender', category: 'value', condition: { kind: 'orders', field: 'totalSpent', op: 'gte', value: '1000' }, version: 1, createdAt: now, updatedAt: now });
    def.steps.push({ id: 'tag', type: 'tag', add: ['big-spender'] }, { id: 'hook', type: 'webhook', url: 'https://hooks.example.com/j', secretRef: 'missing' }, { id: 'task', type: 'task', title: 'Call', assigneeId: 'nobody', dueInHours: 4 });
    (def.steps[3] as { next?: string }).next = 'tag';
    (def.steps[4] as { next?: string }).next = 'hook';
    (def.steps[5] as { next?: string }).next = 'task';
    def.exit = { events: [{ event: 'OrderPlaced' }], condition: { kind: 'segment', op: 'in', value: 'SEG-NONE' } };
    const r = await validateDefinition(w.jctx, def);
    expect(r.valid).toBe(false);
    expect(r.errors.map((e) => `${e.field}: ${e.message}`).sort()).toEqual(
      [
        'exit.condition: names no segment "SEG-NONE"',
        'steps[1].templateId: names no message template "NOPE"',
        'steps[4].add[0]: "Big-Spender" is a rule tag: its condition applies and removes it',
        `steps[3].templateVersion: template "${t2}" has no version 9 (its current version is 1)`,
        'steps[5].secretRef: names no journey webhook secret "missing" (PUT /v1/journey-secrets/missing first)',
        'steps[6].assigneeId: no agent nobody in the directory',
      ].sort(),
    );
    const sms = await w.template('sms', { body: 'Hi {{ customer.firstName | default: "there" }}' }, 'an sms');
    expect((await validateDefinition(w.jctx, abandonedCart(sms, t2))).errors).toEqual([{ field: 'steps[1].channel', message: `template "${sms}" is a sms template, not email` }]);
    const ok = await validateDefinition(w.jctx, abandonedCart(t1, t2));
    expect(ok.valid).toBe(true);
    expect(ok.definition!.steps.filter((s) => s.type === 'message').map((s) => (s as { templateVersion?: number }).templateVersion)).toEqual([1, 1]);
  });
});

describe('the lifecycle', () => {
  let id = '';
  it('publish makes version 1 live and lists it under its trigger; publishing again with no change is refused', async () => {
    const j = await createJourney(w.jctx, { name: 'Lifecycle', definition: abandonedCart(t1, t2) });
    id = j.id;
    await expect(pauseJourney(w.jctx, id)).rejects.toMatchObject({ status: 409, extra: { rule: 'journey-not-active' } });
    const { journey } = await publishJourney(w.jctx, id);
    expect(journey).toMatchObject({ status: 'active', liveVersion: 1, versions: 1, hasDraft: false });
    expect(await repoOf(w.deps, JourneysRepo).byTrigger('CheckoutAbandoned')).toEqual([{ journeyId: id, version: 1 }]);
    await expect(publishJourney(w.jctx, id)).rejects.toMatchObject({ status: 409, extra: { rule: 'nothing-to-publish' } });
    await expect(updateJourney(w.jctx, id, { version: journey.version - 1, name: 'x' })).rejects.toBeInstanceOf(ConflictError);
  });

  let waiting = '';
  it('paused: no entries; an enrollment whose wait ends holds; resumed: it goes on and sends', async () => {
    forgetTriggers();
    const c1 = await w.customer();
    await w.deliver(w.event('CheckoutAbandoned', abandoned(c1, 'chk-l1')));
    waiting = (await w.enrollmentsOf(c1))[0]!.id;
    await pauseJourney(w.jctx, id);
    forgetTriggers();
    expect(await repoOf(w.deps, JourneysRepo).byTrigger('CheckoutAbandoned')).toEqual([]);
    const c2 = await w.customer();
    expect((await w.deliver(w.event('CheckoutAbandoned', abandoned(c2, 'chk-l2')))).entries).toEqual({});
    expect(await w.enrollmentsOf(c2)).toEqual([]);
    w.clock.advance(H);
    await w.fireDue();
    expect(await w.sends(`jrn:${waiting}:reminder-1h:1`)).toBe(0);
    expect((await repoOf(w.deps, EnrollmentsRepo).get(waiting))!.position).toMatchObject({ stepId: 'wait-1h', held: true });
    await resumeJourney(w.jctx, id);
    forgetTriggers();
    await w.fireAll(); // the resume walk
    expect(await w.sends(`jrn:${waiting}:reminder-1h:1`)).toBe(1);
    expect((await w.history(waiting)).slice(-5)).toEqual(['held wait-1h journey-paused', 'resumed wait-1h journey-resumed', 'step wait-1h waited', 'step reminder-1h sent', 'waiting wait-24h until']);
  });

  it('an exit by hand, once; a deleted customer leaves at once', async () => {
    const c = await w.customer();
    await w.deliver(w.event('CheckoutAbandoned', abandoned(c, 'chk-l3')));
    const e = (await w.enrollmentsOf(c))[0]!;
    expect(await exitByHand(w.ctx('boss'), e.id)).toMatchObject({ status: 'exited', exitReason: 'manual' });
    await expect(exitByHand(w.ctx('boss'), e.id)).rejects.toMatchObject({ status: 409, extra: { rule: 'enrollment-ended' } });
    const gone = await w.customer();
    await w.deliver(w.event('CheckoutAbandoned', abandoned(gone, 'chk-l4')));
    await deleteCustomer(w.jctx, gone);
    const r = await w.deliver(w.event('CustomerDeleted', { customerId: gone, purgeAt: '2026-07-01T00:00:00.000Z' }));
    expect(r.exited).toBe(1);
    expect((await w.enrollmentsOf(gone))[0]).toMatchObject({ status: 'exited', exitReason: 'customer-gone' });
  });

  it('archive: every active enrollment exits, the journey is read-only, and the stats add up', async () => {
    await archiveJourney(w.jctx, id);
    await w.fireAll(); // the archive walk
    const all = (await listJourneyEnrollments(w.jctx, id, 100)).items;
    expect(all.every((e) => e.status !== 'active')).toBe(true);
    expect(all.find((e) => e.id === waiting)).toMatchObject({ status: 'exited', exitReason: 'journey-archived' });
    await expect(updateJourney(w.jctx, id, { name: 'again' })).rejects.toMatchObject({ status: 409, extra: { rule: 'journey-archived' } });
    expect((await requireJourney(w.jctx, id)).status).toBe('archived');
    const s = await journeyStats(w.jctx, id);
    expect(s).toMatchObject({ enrolled: 3, active: 0, completed: 0, exited: { total: 3, byReason: { manual: 1, 'customer-gone': 1, 'journey-archived': 1 } } });
    expect(s.steps['reminder-1h']).toEqual({ reached: 1, outcomes: { sent: 1 } });
    expect(s.messages.total).toMatchObject({ sent: 1 });
  });
});
