import { EnrollmentsRepo } from '../../shared/store/enrollments-repo';
import { MessagesRepo } from '../../shared/store/messages-repo';
import { repoOf } from '../../shared/store/repo-of';
import { updateJourney, publishJourney, requireJourney } from '../../shared/usecases/journeys/journeys';
import { runEnrollment } from '../../shared/usecases/journeys/run';
import { abandoned, abandonedCart, journeyWorld, ordered, type JourneyWorld } from './journeys-world';

/**
 * Journeys on DynamoDB Local: an event enrolls the customer (once, whatever the redeliveries), the
 * first wait sets a timer, the timer continues the enrollment and the message goes out once, an
 * order exits the customer before the 24-hour step, an edit publishes a new version while enrolled
 * customers stay on theirs, and a timer racing an exit never sends twice nor leaves an
 * inconsistent record.
 */
const H = 3_600_000;
let w: JourneyWorld;
let t1: string;
let t2: string;
beforeAll(async () => {
  w = await journeyWorld();
  t1 = await w.emailTemplate('cart 1h');
  t2 = await w.emailTemplate('cart 24h');
});

describe('an abandoned-cart journey', () => {
  afterAll(() => w.archiveAll());
  let journeyId = '';
  let customerId = '';
  let enrollmentId = '';

  it('enrolls the customer on CheckoutAbandoned and runs to the first wait, with a timer at its end', async () => {
    journeyId = await w.live({ name: 'Abandoned cart', definition: abandonedCart(t1, t2) });
    customerId = await w.customer();
    const r = await w.deliver(w.event('CheckoutAbandoned', abandoned(customerId), 'evt-abandon-1'));
    expect(r.entries).toEqual({ [journeyId]: 'entered' });
    const [e] = await w.enrollmentsOf(customerId);
    enrollmentId = e!.id;
    expect(e).toMatchObject({ journeyId, version: 1, status: 'active', position: { stepId: 'wait-1h', phase: 'wait', waitUntil: new Date(w.clock.t + H).toISOString() } });
    expect(await w.history(enrollmentId)).toEqual(['entered CheckoutAbandoned', 'waiting wait-1h until']);
    expect(await w.deps.timers.due(new Date(w.clock.t).toISOString(), new Date(w.clock.t + H).toISOString())).toEqual([
      expect.objectContaining({ kind: 'journey.step', key: enrollmentId, dueAt: new Date(w.clock.t + H).toISOString() }),
    ]);
  });

  it('a redelivered trigger event changes nothing', async () => {
    const again = await w.deliver(w.event('CheckoutAbandoned', abandoned(customerId), 'evt-abandon-1'));
    expect(again.entries).toEqual({ [journeyId]: 'duplicate' });
    expect(await w.enrollmentsOf(customerId)).toHaveLength(1);
    expect(await w.history(enrollmentId)).toEqual(['entered CheckoutAbandoned', 'waiting wait-1h until']);
    expect(await w.stats(journeyId)).toEqual({ entered: 1, 'reached:wait-1h': 1 });
    // Another abandoned checkout while they are in it: not a second enrollment.
    expect((await w.deliver(w.event('CheckoutAbandoned', abandoned(customerId, 'chk-2')))).entries).toEqual({ [journeyId]: 'already-active' });
  });

  it('nothing happens before the wait ends; at its end the timer sends the 1-hour reminder once', async () => {
    w.clock.advance(H - 1000);
    expect(await w.fireDue()).toEqual([]);
    await runEnrollment(w.jctx, enrollmentId); // an early run: still waiting
    expect(await w.sends(`jrn:${enrollmentId}:reminder-1h:1`)).toBe(0);
    w.clock.advance(1000);
    expect(await w.fireDue()).toEqual([`journey.step:${enrollmentId}`]);
    expect(await w.sends(`jrn:${enrollmentId}:reminder-1h:1`)).toBe(1);
    // The timer delivered again, or a run for any other reason: no second send.
    await runEnrollment(w.jctx, enrollmentId);
    expect(await w.sends(`jrn:${enrollmentId}:reminder-1h:1`)).toBe(1);
    const e = (await repoOf(w.deps, EnrollmentsRepo).get(enrollmentId))!;
    expect(e.position).toEqual({ stepId: 'wait-24h', phase: 'wait', waitUntil: new Date(w.clock.t + 23 * H).toISOString() });
    expect(await w.history(enrollmentId)).toEqual(['entered CheckoutAbandoned', 'waiting wait-1h until', 'step wait-1h waited', 'step reminder-1h sent', 'waiting wait-24h until']);
  });

  it('the customer orders: the enrollment exits before the 24-hour step, which is never sent', async () => {
    w.clock.advance(2 * H);
    const r = await w.deliver(w.event('OrderPlaced', ordered(customerId, 'o-1', new Date(w.clock.t).toISOString())));
    expect(r).toMatchObject({ goals: 1 });
    const e = (await repoOf(w.deps, EnrollmentsRepo).get(enrollmentId))!;
    expect(e).toMatchObject({ status: 'exited', exitReason: 'goal', goalReachedAt: new Date(w.clock.t).toISOString() });
    w.clock.advance(22 * H);
    expect(await w.fireDue()).toEqual([`journey.step:${enrollmentId}`]);
    expect(await w.sends(`jrn:${enrollmentId}:reminder-24h:1`)).toBe(0);
    expect((await w.history(enrollmentId)).slice(-2)).toEqual(['goal OrderPlaced', 'exited wait-24h goal']);
    expect(await w.stats(journeyId)).toMatchObject({ entered: 1, goal: 1, 'exited:goal': 1, 'outcome:reminder-1h:sent': 1 });
  });

  it('an exit event without a goal exits with its reason', async () => {
    await w.archiveAll();
    const def = { ...abandonedCart(t1, t2), goal: undefined };
    delete (def as { goal?: unknown }).goal;
    const id = await w.live({ name: 'No goal', definition: def });
    const c = await w.customer();
    await w.deliver(w.event('CheckoutAbandoned', abandoned(c, 'chk-9')));
    const [e] = await w.enrollmentsOf(c);
    expect(e!.journeyId).toBe(id);
    await w.deliver(w.event('OrderPlaced', ordered(c, 'o-9', new Date(w.clock.t).toISOString())));
    expect((await repoOf(w.deps, EnrollmentsRepo).get(e!.id))!).toMatchObject({ status: 'exited', exitReason: 'event:OrderPlaced' });
  });
});

describe('versions', () => {
  afterAll(() => w.archiveAll());
  it('an edit of a live journey is a new version; customers keep the version they entered', async () => {
    const id = await w.live({ name: 'Versioned', definition: abandonedCart(t1, t2) });
    const early = await w.customer();
    await w.deliver(w.event('CheckoutAbandoned', abandoned(early, 'chk-v1')));
    let j = await requireJourney(w.jctx, id);
    j = await updateJourney(w.jctx, id, { version: j.version, definition: abandonedCart(t2, t1, [3, 21]) });
    expect(j).toMatchObject({ status: 'active', liveVersion: 1, hasDraft: true });
    const published = await publishJourney(w.jctx, id);
    expect(published.journey).toMatchObject({ liveVersion: 2, versions: 2, hasDraft: false });
    const late = await w.customer();
    await w.deliver(w.event('CheckoutAbandoned', abandoned(late, 'chk-v2')));
    const [a] = (await w.enrollmentsOf(early)).filter((e) => e.journeyId === id);
    const [b] = (await w.enrollmentsOf(late)).filter((e) => e.journeyId === id);
    expect([a!.version, b!.version]).toEqual([1, 2]);
    expect(Date.parse(a!.position.waitUntil!) - Date.parse(a!.enteredAt)).toBe(H);
    expect(Date.parse(b!.position.waitUntil!) - Date.parse(b!.enteredAt)).toBe(3 * H);
    w.clock.advance(H);
    await w.fireDue();
    // After 1 h: the early customer gets v1's reminder (template t1); the late one still waits (v2: 3 h).
    expect(await w.sends(`jrn:${a!.id}:reminder-1h:1`)).toBe(1);
    expect(await w.sends(`jrn:${b!.id}:reminder-1h:1`)).toBe(0);
    w.clock.advance(2 * H);
    await w.fireDue();
    const messages = repoOf(w.deps, MessagesRepo);
    const templateOf = async (key: string) => (await messages.get((await messages.idForKey(key))!))!.templateId;
    expect([await templateOf(`jrn:${a!.id}:reminder-1h:1`), await templateOf(`jrn:${b!.id}:reminder-1h:1`)]).toEqual([t1, t2]);
  });
});

describe('races', () => {
  afterAll(() => w.archiveAll());
  it('a timer racing an exit: never two sends, and a send is always in the record before the exit', async () => {
    const id = await w.live({ name: 'Race', definition: { ...abandonedCart(t1, t2, [1, 1]), goal: undefined } as never });
    const customers = await Promise.all(Array.from({ length: 8 }, () => w.customer()));
    for (const c of customers) await w.deliver(w.event('CheckoutAbandoned', abandoned(c, `chk-race-${c}`)));
    w.clock.advance(H);
    await w.fireDue();
    w.clock.advance(H);
    const enrollments = (await Promise.all(customers.map((c) => w.enrollmentsOf(c)))).map((l) => l.find((e) => e.journeyId === id)!);
    // Each enrollment: its timer fires twice (a duplicate delivery) while the order arrives.
    const results = await Promise.allSettled(
      enrollments.flatMap((e, i) => [runEnrollment(w.jctx, e.id), runEnrollment(w.jctx, e.id), w.deliver(w.event('OrderPlaced', ordered(customers[i]!, `o-race-${i}`, new Date(w.clock.t).toISOString())))]),
    );
    // A runner that found the step claimed by the other is told to retry later; nothing else fails.
    for (const r of results) if (r.status === 'rejected') expect(String(r.reason)).toMatch(/is being run by another runner/);
    let sent = 0;
    for (const e of enrollments) {
      const after = (await repoOf(w.deps, EnrollmentsRepo).get(e.id))!;
      const lines = await w.history(e.id);
      const sends = await w.sends(`jrn:${e.id}:reminder-24h:1`);
      expect(sends).toBeLessThanOrEqual(1);
      expect(after.status).toBe('exited');
      if (sends === 1) {
        sent++;
        // Sent: the step is in the history, or the exit says it came while the step ran.
        const record = (await repoOf(w.deps, EnrollmentsRepo).history(e.id, 500)).items;
        const exitLine = record.find((h) => h.kind === 'exited')!;
        expect(lines.includes('step reminder-24h sent') || exitLine.detail?.during === 'reminder-24h').toBe(true);
      } else expect(lines).not.toContain('step reminder-24h sent');
      const seqs = (await repoOf(w.deps, EnrollmentsRepo).history(e.id, 500)).items.map((h) => h.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    }
    const stats = await w.stats(id);
    expect(stats['exited:event:OrderPlaced']).toBe(8);
    expect(stats['outcome:reminder-24h:sent'] ?? 0).toBeLessThanOrEqual(sent);
  });
});
