import { ValidationError } from '../../shared/domain/errors';
import { JOURNEY_TEMPLATES, applyTemplate } from '../../shared/domain/journeys/templates';
import { journeyIssues, parseJourney } from '../../shared/domain/journeys/validate';
import { checkContext } from '../../shared/usecases/journeys/event-fields';

/** Journey graphs and their fields: every bad input is refused naming the step and the rule. */
const ctx = checkContext('USD');
type Def = Record<string, unknown> & { steps: Record<string, unknown>[] };
const msg = (id: string, next?: string) => ({ id, type: 'message', channel: 'email', templateId: 'T1', purpose: 'marketing', ...(next ? { next } : {}) });
const wait = (id: string, next: string | undefined, value = 1, unit = 'hours') => ({ id, type: 'wait', wait: { kind: 'duration', value, unit }, ...(next ? { next } : {}) });
const base = (): Def => ({ trigger: { type: 'event', event: 'CheckoutAbandoned' }, steps: [wait('w1', 'm1'), msg('m1')], reentry: { mode: 'never' } });
const issues = (d: unknown) => journeyIssues(d, ctx);
const only = (d: unknown) => issues(d).map((i) => `${i.field}: ${i.message}`);

describe('journey definitions', () => {
  it('accepts a well-formed journey and every ready-made template', () => {
    expect(issues(base())).toEqual([]);
    for (const t of JOURNEY_TEMPLATES) {
      const ids = Object.fromEntries(t.definition.steps.filter((s) => s.type === 'message').map((s) => [s.id, { templateId: `tpl-${s.id}` }]));
      expect({ template: t.id, issues: issues(applyTemplate(t, ids).definition) }).toEqual({ template: t.id, issues: [] });
    }
  });

  it('refuses an unknown step type, naming the step', () => {
    const d = base();
    d.steps[1] = { id: 'm1', type: 'sleep' };
    expect(only(d)).toEqual(['steps[1].type: "sleep" is not a step type (wait, condition, split, message, tag, task, ticket, webhook, exit)']);
  });

  it('refuses a dangling edge (a step pointing at no step)', () => {
    const d = base();
    d.steps[1] = msg('m1', 'nowhere');
    expect(only(d)).toEqual(['steps[1].next: step "m1" points at "nowhere", which is no step of this journey (a dangling edge)']);
    const c = base();
    c.steps.push({ id: 'c1', type: 'condition', condition: { kind: 'tag', op: 'has', value: 'vip' }, yes: 'm1', no: 'gone' });
    c.steps[1] = msg('m1', 'c1');
    expect(only(c)).toEqual(['steps[2].no: step "c1" points at "gone", which is no step of this journey (a dangling edge)']);
  });

  it('refuses unreachable steps', () => {
    const d = base();
    d.steps.push(msg('orphan'));
    expect(only(d)).toEqual(['steps[2]: step "orphan" cannot be reached from the start "w1" (an unreachable step)']);
    const s = base();
    s.start = 'm1';
    expect(only(s)).toEqual(['steps[0]: step "w1" cannot be reached from the start "m1" (an unreachable step)']);
    expect(only({ ...base(), start: 'nope' })).toEqual(['start: names no step: "nope"']);
  });

  it('refuses a cycle without a wait, and one whose only wait is shorter than an hour', () => {
    const loop: Def = {
      trigger: { type: 'event', event: 'OrderPlaced' },
      steps: [msg('a', 'c'), { id: 'c', type: 'condition', condition: { kind: 'tag', op: 'has', value: 'vip' }, yes: 'a' }],
      reentry: { mode: 'always' },
    };
    expect(only(loop)).toEqual(['steps[0]: steps a → c → a form a loop without a wait of at least an hour (a cycle must pass through a wait)']);
    const short = { ...loop, steps: [msg('a', 'w'), wait('w', 'c', 5, 'minutes'), { id: 'c', type: 'condition', condition: { kind: 'tag', op: 'has', value: 'vip' }, yes: 'a' }] };
    expect(only(short)).toEqual(['steps[0]: steps a → w → c → a form a loop without a wait of at least an hour (a cycle must pass through a wait)']);
    const self = { ...loop, steps: [{ id: 's', type: 'split', branches: [{ name: 'A', percent: 50, next: 's' }, { name: 'B', percent: 50 }] }] };
    expect(only(self)).toEqual(['steps[0]: steps s → s form a loop without a wait of at least an hour (a cycle must pass through a wait)']);
  });

  it('allows a loop through a wait of an hour or more, or a time-of-day wait', () => {
    const weekly = { ...base(), steps: [msg('a', 'w'), wait('w', 'c', 1, 'weeks'), { id: 'c', type: 'condition', condition: { kind: 'orders', field: 'count', op: 'eq', value: 0 }, yes: 'a' }] };
    expect(issues(weekly)).toEqual([]);
    const daily = { ...base(), steps: [msg('a', 'w'), { id: 'w', type: 'wait', wait: { kind: 'time-of-day', time: '09:00' }, next: 'a' }] };
    expect(issues(daily)).toEqual([]);
  });

  it('refuses events that are not in the catalog, and catalog events about no customer', () => {
    expect(only({ ...base(), trigger: { type: 'event', event: 'CartForgotten' } })[0]).toMatch(/^trigger\.event: "CartForgotten" is not an event of the catalog \(usable: .*CheckoutAbandoned/);
    expect(only({ ...base(), trigger: { type: 'event', event: 'TaskOverdue' } })).toEqual(['trigger.event: TaskOverdue cannot start or end a journey: its events name no customer']);
    expect(only({ ...base(), exit: { events: [{ event: 'OrderShipped' }] } })[0]).toMatch(/^exit\.events\[0\]\.event: "OrderShipped" is not an event a journey can use/);
    expect(only({ ...base(), goal: { event: 'Nope' } })[0]).toMatch(/^goal\.event: /);
  });

  it('checks event filters against the event\u2019s fields (derived ones included)', () => {
    expect(issues({ ...base(), trigger: { type: 'event', event: 'OrderPlaced', filters: [{ field: 'isFirstOrder', op: 'eq', value: true }, { field: 'totalMinor', op: 'gte', value: 5000 }] } })).toEqual([]);
    expect(only({ ...base(), trigger: { type: 'event', event: 'OrderPlaced', filters: [{ field: 'colour', op: 'eq', value: 'red' }] } })[0]).toMatch(/^trigger\.filters\[0\]\.field: is not a field of this event \(fields: orderId, platform/);
    expect(only({ ...base(), trigger: { type: 'event', event: 'OrderPlaced', filters: [{ field: 'totalMinor', op: 'gte', value: 'lots' }] } })).toEqual(['trigger.filters[0].value: must be a number']);
    expect(only({ ...base(), trigger: { type: 'event', event: 'TierChanged', filters: [{ field: 'direction', op: 'in', value: [] }] } })).toEqual(['trigger.filters[0].value: must be a list of 1-100 strings']);
  });

  it('refuses split percentages that do not add up to 100, and splits of one branch', () => {
    const d = base();
    d.steps[1] = { id: 'm1', type: 'split', branches: [{ name: 'A', percent: 60 }, { name: 'B', percent: 30 }] };
    expect(only(d)).toEqual(['steps[1].branches: percentages must add up to 100 (they add up to 90)']);
    d.steps[1] = { id: 'm1', type: 'split', branches: [{ name: 'A', percent: 100 }] };
    expect(only(d)).toEqual(['steps[1].branches: must be 2 to 10 branches {name, percent, next?}']);
    d.steps[1] = { id: 'm1', type: 'split', branches: [{ name: 'A', percent: 50 }, { name: 'A', percent: 50 }] };
    expect(only(d)).toEqual(['steps[1].branches[1].name: repeats A']);
  });

  it('bounds the size of a journey', () => {
    const steps = Array.from({ length: 101 }, (_, i) => msg(`s${i}`, i < 100 ? `s${i + 1}` : undefined));
    expect(only({ ...base(), steps })).toEqual(['steps: a journey has at most 100 steps (it has 101)']);
    expect(issues({ ...base(), steps: steps.slice(0, 100).map((s, i) => (i === 99 ? msg('s99') : s)) })).toEqual([]);
  });

  it('refuses repeated ids, unknown fields and bad step fields, each by its path', () => {
    const d = base();
    d.steps[1] = { ...msg('w1'), colour: 'red' };
    expect(only(d)).toEqual(expect.arrayContaining(['steps[1].id: repeats the id "w1" of steps[0]', 'steps[1].colour: is not a field here (fields: id, name, type, channel, templateId, templateVersion, purpose, vars, respectQuietHours, next)']));
    const w = base();
    w.steps[0] = { id: 'w1', type: 'wait', wait: { kind: 'duration', value: 400, unit: 'days' }, next: 'm1' };
    expect(only(w)).toEqual(['steps[0].wait.value: must be a whole number, the wait at most 366 days']);
    w.steps[0] = { id: 'w1', type: 'wait', wait: { kind: 'time-of-day', time: '25:00' }, next: 'm1' };
    expect(only(w)).toEqual(['steps[0].wait.time: must be a local time HH:MM']);
    const h = base();
    h.steps[1] = { id: 'm1', type: 'webhook', url: 'http://example.com/hook', secretRef: 'main' };
    expect(only(h)).toEqual(['steps[1].url: must be an https URL without credentials (http only to localhost)']);
    const t = base();
    t.steps[1] = { id: 'm1', type: 'task', title: 'Call them', dueInHours: 24 };
    expect(only(t)).toEqual(['steps[1].assigneeId: give an assignee or a group (its assignment mode picks the agent), not both']);
  });

  it('never throws on hostile shapes: every problem is an issue', () => {
    const hostile: unknown[] = [
      null,
      [],
      'journey',
      { steps: [null, 1, 'x', { id: 5 }, { id: 'w', type: 'wait', next: 'w' }, { id: 's', type: 'split', branches: [null, { next: {} }] }, { id: 'c', type: 'condition', yes: { a: 1 }, no: 7 }], trigger: [], reentry: 'always' },
      { trigger: { type: 'event', event: 'constructor', filters: [{ field: '__proto__', op: 'eq', value: 1 }] }, steps: [{ id: 'a', type: 'exit' }], reentry: { mode: 'never' }, exit: { events: [{ event: 'toString' }] } },
    ];
    for (const h of hostile) expect(issues(h).length).toBeGreaterThan(0);
    expect(only(hostile[4])).toEqual(expect.arrayContaining([expect.stringMatching(/^trigger\.event: "constructor" is not an event of the catalog/), expect.stringMatching(/^exit\.events\[0\]\.event: "toString" is not an event/)]));
  });

  it('checks conditions with the condition language, by path', () => {
    const d = base();
    d.steps[1] = { id: 'm1', type: 'condition', condition: { kind: 'tag', op: 'has' } };
    expect(only(d)[0]).toMatch(/^steps\[1\]\.condition\.value: /);
    expect(only({ ...base(), exit: { condition: { any: [] } } })).toEqual(['exit.condition.any: must have at least one condition (an empty "any" matches nobody)']);
  });

  it('checks the trigger, re-entry, goal and time zone', () => {
    expect(only({ ...base(), trigger: { type: 'date', on: 'holiday' } })).toEqual(['trigger.day: must be a day of the year MM-DD, e.g. 12-25']);
    expect(only({ ...base(), trigger: { type: 'date', on: 'last-order' } })).toEqual(['trigger.offsetDays: is required: how many days after the last order']);
    expect(only({ ...base(), trigger: { type: 'segment' } })).toEqual(['trigger.segmentId: must name a segment']);
    expect(only({ ...base(), reentry: { mode: 'after', days: 0 } })).toEqual(['reentry.days: must be a whole number of days from 1 to 3650']);
    expect(only({ ...base(), reentry: { mode: 'sometimes' } })).toEqual(['reentry.mode: must be never, always or after']);
    expect(only({ ...base(), goal: { event: 'OrderPlaced', withinDays: 0 } })).toEqual(['goal.withinDays: must be a whole number of days from 1 to 365']);
    expect(only({ ...base(), timeZone: 'Mars/Olympus' })).toEqual(['timeZone: is not an IANA time zone: "Mars/Olympus"']);
    const seg = base();
    seg.trigger = { type: 'segment', segmentId: 'S1' };
    seg.steps[1] = { id: 'm1', type: 'condition', triggerFilters: [{ field: 'x', op: 'eq', value: 1 }] };
    expect(only(seg)).toEqual(['steps[1].triggerFilters: only a journey started by an event can filter on the trigger event']);
  });

  it('throws them all as one 400 whose message names the first', () => {
    const d = base();
    d.steps[1] = msg('m1', 'nowhere');
    d.steps.push({ id: 'x', type: 'nope' });
    try {
      parseJourney(d, ctx);
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).status).toBe(400);
      expect((e as ValidationError).message).toMatch(/^steps\[2\]\.type: "nope" is not a step type .*\(and 2 more problems\)$/);
      expect((e as ValidationError).issues.map((i) => i.field)).toEqual(['steps[2].type', 'steps[1].next', 'steps[2]']);
    }
  });
});
