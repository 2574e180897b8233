import type { CustomerFacts } from '../../shared/domain/conditions';
import { afterEffect, compileJourney, decide, ENGINE_LIMITS, mayEnter, splitBranch, type Decision } from '../../shared/domain/journeys/engine';
import { reentryGuard, reentryRefusal } from '../../shared/domain/journeys/reentry';
import { advance, claim, enter, exitNow, hold, reachGoal, resume, type Transition } from '../../shared/domain/journeys/transitions';
import type { EffectStep, Enrollment, JourneyDefinition } from '../../shared/domain/journeys/types';

/** The step engine, pure: decisions from an enrollment, its version, the facts and the time; transitions with history and counters. */
const T0 = Date.parse('2026-03-10T12:00:00.000Z');
const H = 3_600_000;
const DAY = 24 * H;
const iso = (ms: number) => new Date(ms).toISOString();

function facts(over: { tags?: string[]; lastOrderAt?: string; orderCount?: number; birthday?: string } = {}): CustomerFacts {
  return {
    profile: { tags: over.tags ?? [], attributes: {}, consent: {}, createdAt: '2025-01-01T00:00:00.000Z', ...(over.birthday ? { birthday: over.birthday } : {}) },
    aggregates: { orderCount: over.orderCount ?? 0, spentMinor: {}, refundedMinor: {}, days: {}, ...(over.lastOrderAt ? { lastOrderAt: over.lastOrderAt } : {}) },
    activity: {},
    segments: [],
  };
}

const abandonedCart: JourneyDefinition = {
  trigger: { type: 'event', event: 'CheckoutAbandoned' },
  steps: [
    { id: 'wait-1h', type: 'wait', wait: { kind: 'duration', value: 1, unit: 'hours' }, next: 'reminder-1h' },
    { id: 'reminder-1h', type: 'message', channel: 'email', templateId: 'T1', templateVersion: 1, purpose: 'marketing', next: 'wait-24h' },
    { id: 'wait-24h', type: 'wait', wait: { kind: 'duration', value: 23, unit: 'hours' }, next: 'reminder-24h' },
    { id: 'reminder-24h', type: 'message', channel: 'email', templateId: 'T2', templateVersion: 1, purpose: 'marketing' },
  ],
  exit: { events: [{ event: 'OrderPlaced' }] },
  reentry: { mode: 'never' },
};

function entered(def: JourneyDefinition, at = T0): Transition {
  const j = compileJourney(def, 'USD');
  return enter({ id: '01JENROLLMENT0000000000000', journeyId: 'J1', version: 1, customerId: 'C1', start: j.start, trigger: { kind: 'event', eventId: 'E1', eventType: 'CheckoutAbandoned', at: iso(at), data: { totalMinor: 9900 } }, at: iso(at) }, def.steps);
}

/** Drives an enrollment like the runner does, with effects answered by `effect`, until it waits or ends. */
function drive(def: JourneyDefinition, e: Enrollment, f: CustomerFacts | undefined, now: number, effect: (s: EffectStep, key: string) => { outcome: string; retryable?: boolean }, log: string[] = []) {
  const j = compileJourney(def, 'USD');
  for (let i = 0; i < 50; i++) {
    let d: Decision = decide({ journey: j, enrollment: e, facts: f, now, timeZone: 'UTC' });
    if (d.kind === 'wait' && !d.started) return { e, log };
    if (d.kind === 'act') {
      log.push(`act ${d.key}`);
      d = afterEffect(e, d.step, effect(d.step, d.key), now);
    }
    const t = advance(e, d as Exclude<Decision, { kind: 'act' }>, iso(now), def.steps)!;
    e = t.next;
    if (t.timerAt) log.push(`timer ${t.timerAt}`);
    if (t.ended || t.timerAt) return { e, log, t };
  }
  throw new Error('no wait or end within 50 steps');
}

describe('the step engine', () => {
  it('enters on the first step with its counters and history', () => {
    const t = entered(abandonedCart);
    expect(t.next).toMatchObject({ status: 'active', position: { stepId: 'wait-1h', phase: 'run' }, visits: { 'wait-1h': 1 }, rev: 1, seq: 1 });
    expect(t.counters).toEqual({ entered: 1, 'reached:wait-1h': 1 });
    expect(t.history).toEqual([{ seq: 1, at: iso(T0), kind: 'entered', outcome: 'CheckoutAbandoned', detail: { trigger: 'E1', version: 1 } }]);
  });

  it('waits, sends after the wait with a key per enrollment, step and visit, and stops before the 24-hour step when an order comes', () => {
    const sent: string[] = [];
    const effect = (_s: EffectStep, key: string) => (sent.push(key), { outcome: 'sent' });
    let r = drive(abandonedCart, entered(abandonedCart).next, facts(), T0, effect);
    expect(r.e.position).toEqual({ stepId: 'wait-1h', phase: 'wait', waitUntil: iso(T0 + H) });
    expect(r.log).toEqual([`timer ${iso(T0 + H)}`]);
    // Early: nothing happens.
    expect(drive(abandonedCart, r.e, facts(), T0 + H - 1, effect).log).toEqual([]);
    r = drive(abandonedCart, r.e, facts(), T0 + H, effect);
    expect(sent).toEqual(['jrn:01JENROLLMENT0000000000000:reminder-1h:1']);
    expect(r.e.position).toEqual({ stepId: 'wait-24h', phase: 'wait', waitUntil: iso(T0 + 24 * H) });
    // The customer orders at T0+2h: the facts show it before the next step.
    r = drive(abandonedCart, r.e, facts({ lastOrderAt: iso(T0 + 2 * H), orderCount: 1 }), T0 + 24 * H, effect);
    expect(sent).toHaveLength(1);
    expect(r.e).toMatchObject({ status: 'exited', exitReason: 'event:OrderPlaced', position: { stepId: 'wait-24h' } });
    expect(r.t!.counters).toEqual({ 'exited:event:OrderPlaced': 1 });
  });

  it('without an order it sends both and completes', () => {
    const sent: string[] = [];
    const effect = (_s: EffectStep, key: string) => (sent.push(key), { outcome: 'sent' });
    let e = entered(abandonedCart).next;
    for (const at of [T0, T0 + H, T0 + 24 * H]) e = drive(abandonedCart, e, facts({ lastOrderAt: iso(T0 - DAY) }), at, effect).e;
    expect(sent).toEqual(['jrn:01JENROLLMENT0000000000000:reminder-1h:1', 'jrn:01JENROLLMENT0000000000000:reminder-24h:1']);
    expect(e).toMatchObject({ status: 'completed', stepsRun: 4, endedAt: iso(T0 + 24 * H) });
  });

  it('keeps on course whatever a message step produced (a skip is recorded, not an exit)', () => {
    let e = drive(abandonedCart, entered(abandonedCart).next, facts(), T0, () => ({ outcome: 'sent' })).e;
    const r = drive(abandonedCart, e, facts(), T0 + H, () => ({ outcome: 'skipped:no-consent' }));
    e = r.e;
    expect(e.position).toMatchObject({ stepId: 'wait-24h', phase: 'wait' });
    expect(r.t!.counters).toEqual({});
    const d = afterEffect(e, abandonedCart.steps[1] as EffectStep, { outcome: 'skipped:no-consent' }, T0);
    expect(d).toEqual({ kind: 'move', stepId: 'reminder-1h', next: 'wait-24h', outcome: 'skipped:no-consent' });
    const moved = advance(entered(abandonedCart).next, d as Exclude<Decision, { kind: 'act' }>, iso(T0), abandonedCart.steps)!;
    expect(moved.history[0]).toMatchObject({ kind: 'step', stepId: 'reminder-1h', stepType: 'message', outcome: 'skipped:no-consent' });
    expect(moved.counters).toEqual({ 'outcome:reminder-1h:skipped:no-consent': 1, 'reached:wait-24h': 1 });
  });

  it('splits on a condition and on the trigger event, and exits on the exit condition before any step', () => {
    const def: JourneyDefinition = {
      trigger: { type: 'event', event: 'CheckoutAbandoned' },
      steps: [
        { id: 'big-cart', type: 'condition', triggerFilters: [{ field: 'totalMinor', op: 'gte', value: 5000 }], yes: 'vip', no: 'plain' },
        { id: 'vip', type: 'condition', condition: { kind: 'tag', op: 'has', value: 'vip' }, yes: 'gold', no: 'plain' },
        { id: 'gold', type: 'tag', add: ['gold-cart'] },
        { id: 'plain', type: 'tag', add: ['cart'] },
      ],
      exit: { condition: { kind: 'tag', op: 'has', value: 'unsubscribed-all' } },
      reentry: { mode: 'never' },
    };
    const keys = (f: CustomerFacts) => drive(def, entered(def).next, f, T0, (_s, key) => ({ outcome: 'ok' }), []).log;
    expect(keys(facts({ tags: ['vip'] }))).toEqual(['act jrn:01JENROLLMENT0000000000000:gold:1']);
    expect(keys(facts())).toEqual(['act jrn:01JENROLLMENT0000000000000:plain:1']);
    const r = drive(def, entered(def).next, facts({ tags: ['unsubscribed-all'] }), T0, () => ({ outcome: 'ok' }));
    expect(r.e).toMatchObject({ status: 'exited', exitReason: 'condition', stepsRun: 0 });
    expect(mayEnter(compileJourney(def, 'USD'), facts({ tags: ['unsubscribed-all'] }), T0)).toBe('matches-exit');
  });

  it('retries a webhook with a retryable failure, then records it failed and goes on', () => {
    const def: JourneyDefinition = { trigger: { type: 'event', event: 'OrderPlaced' }, steps: [{ id: 'hook', type: 'webhook', url: 'https://x.example/h', secretRef: 's', next: 'done' }, { id: 'done', type: 'tag', add: ['hooked'] }], reentry: { mode: 'always' } };
    let e = entered(def).next;
    const times: string[] = [];
    let now = T0;
    for (let attempt = 1; attempt <= ENGINE_LIMITS.webhookAttempts; attempt++) {
      const r = drive(def, e, facts(), now, (s) => (s.type === 'webhook' ? { outcome: 'failed', retryable: true } : { outcome: 'ok' }));
      e = r.e;
      if (e.position.waitUntil) {
        times.push(e.position.waitUntil);
        now = Date.parse(e.position.waitUntil);
      }
    }
    expect(times).toEqual([iso(T0 + 60_000), iso(T0 + 6 * 60_000), iso(T0 + 36 * 60_000)]);
    expect(e.status).toBe('completed');
  });

  it('hold and resume around a pause, goal once, exit from outside', () => {
    const e = entered(abandonedCart).next;
    const held = hold(e, iso(T0), abandonedCart.steps);
    expect(held.next.position).toMatchObject({ held: true, stepId: 'wait-1h' });
    const back = resume(held.next, iso(T0 + H), abandonedCart.steps);
    expect(back.next.position).toEqual({ stepId: 'wait-1h', phase: 'run' });
    expect(back.history.map((h) => h.kind)).toEqual(['resumed']);
    const goal = reachGoal(back.next, iso(T0 + 2 * H), true, abandonedCart.steps, 'OrderPlaced');
    expect(goal.next).toMatchObject({ status: 'exited', exitReason: 'goal', goalReachedAt: iso(T0 + 2 * H) });
    expect(goal).toMatchObject({ ended: 'exited', goalReached: true, counters: { goal: 1, 'exited:goal': 1 } });
    const completed = { ...e, status: 'completed' as const };
    expect(reachGoal(completed, iso(T0), true, abandonedCart.steps, 'OrderPlaced').ended).toBeUndefined();
    const out = exitNow(e, 'manual', iso(T0), abandonedCart.steps, { by: 'u1' });
    expect(out.history).toEqual([{ seq: 2, at: iso(T0), kind: 'exited', stepId: 'wait-1h', stepType: 'wait', outcome: 'manual', detail: { by: 'u1' } }]);
    expect(out.next.rev).toBe(e.rev + 1);
  });

  it('a claimed step is named in an exit that comes while it runs', () => {
    const e = { ...entered(abandonedCart).next, position: { stepId: 'reminder-1h', phase: 'run' as const } };
    const c = claim(e, iso(T0), abandonedCart.steps);
    expect(c.next.position).toEqual({ stepId: 'reminder-1h', phase: 'acting', actingSince: iso(T0) });
    expect([c.history, c.counters, c.next.rev]).toEqual([[], {}, e.rev + 1]);
    const out = exitNow(c.next, 'event:OrderPlaced', iso(T0 + 1), abandonedCart.steps, { eventId: 'E9' });
    expect(out.history[0]).toMatchObject({ kind: 'exited', stepId: 'reminder-1h', outcome: 'event:OrderPlaced', detail: { eventId: 'E9', during: 'reminder-1h' } });
  });

  it('counts visits: a step run again in a loop gets a new effect key', () => {
    const def: JourneyDefinition = {
      trigger: { type: 'event', event: 'CheckoutAbandoned' },
      steps: [{ id: 'nudge', type: 'message', channel: 'email', templateId: 'T', templateVersion: 1, purpose: 'marketing', next: 'week' }, { id: 'week', type: 'wait', wait: { kind: 'duration', value: 1, unit: 'weeks' }, next: 'nudge' }],
      reentry: { mode: 'never' },
    };
    const keys: string[] = [];
    let e = entered(def).next;
    for (let w = 0; w < 3; w++) e = drive(def, e, facts(), T0 + w * 7 * DAY, (_s, key) => (keys.push(key), { outcome: 'sent' })).e;
    expect(keys).toEqual(['nudge:1', 'nudge:2', 'nudge:3'].map((k) => `jrn:01JENROLLMENT0000000000000:${k}`));
  });
});

describe('random splits', () => {
  it('are deterministic per enrollment, step and visit', () => {
    const b = [{ name: 'A', percent: 50 }, { name: 'B', percent: 50 }];
    for (let i = 0; i < 100; i++) expect(splitBranch(b, `e${i}:s:1`)).toBe(splitBranch(b, `e${i}:s:1`));
  });
  it('follow the percentages over many enrollments', () => {
    const b = [{ name: 'A', percent: 20 }, { name: 'B', percent: 30 }, { name: 'C', percent: 50 }];
    const n = 20_000;
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) counts[splitBranch(b, `01J${i}:split:1`)]!++;
    expect(counts.map((c) => Math.round((c / n) * 100))).toEqual([20, 30, 50]);
  });
  it('record the branch as the message variant', () => {
    const def: JourneyDefinition = { trigger: { type: 'event', event: 'OrderPlaced' }, steps: [{ id: 'ab', type: 'split', branches: [{ name: 'A', percent: 50, next: 'a' }, { name: 'B', percent: 50, next: 'b' }] }, { id: 'a', type: 'tag', add: ['a'] }, { id: 'b', type: 'tag', add: ['b'] }], reentry: { mode: 'always' } };
    const r = drive(def, entered(def).next, facts(), T0, () => ({ outcome: 'ok' }));
    expect(r.e.variant).toMatch(/^ab:(A|B)$/);
    expect(r.log[0]).toBe(`act jrn:01JENROLLMENT0000000000000:${r.e.variant!.endsWith('A') ? 'a' : 'b'}:1`);
  });
});

describe('re-entry rules', () => {
  const now = T0;
  const m = (over: { active?: string; last?: number; entries?: number }) => ({ ...(over.active ? { activeEnrollmentId: over.active } : {}), ...(over.last !== undefined ? { lastEnteredAt: iso(over.last) } : {}), entries: over.entries ?? 1 });
  it.each([
    ['never', { mode: 'never' }, m({ last: now - 400 * DAY }), 'reentry-never'],
    ['always, ended', { mode: 'always' }, m({ last: now - H }), undefined],
    ['always, still in', { mode: 'always' }, m({ active: 'E1', last: now - H }), 'already-active'],
    ['after 7 days, 3 days ago', { mode: 'after', days: 7 }, m({ last: now - 3 * DAY }), 'reentry-too-soon'],
    ['after 7 days, 8 days ago', { mode: 'after', days: 7 }, m({ last: now - 8 * DAY }), undefined],
    ['first time', { mode: 'never' }, undefined, undefined],
  ] as const)('%s', (_name, rule, membership, expected) => {
    expect(reentryRefusal(rule as never, membership, now)).toBe(expected);
  });
  it('gives the store the same rule as a guard', () => {
    expect(reentryGuard({ mode: 'never' }, now)).toEqual({ mayReenter: false });
    expect(reentryGuard({ mode: 'always' }, now)).toEqual({ mayReenter: true });
    expect(reentryGuard({ mode: 'after', days: 7 }, now)).toEqual({ mayReenter: true, lastEnteredBefore: iso(now - 7 * DAY) });
  });
});
