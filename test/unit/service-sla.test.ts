import { ValidationError } from '../../shared/domain/errors';
import {
  assertPolicy,
  attachSla,
  breachDue,
  markBreached,
  markWarned,
  matchPolicy,
  policyIssues,
  reapplyPolicy,
  slaOnAgentReply,
  slaOnCustomerReply,
  slaOnStatus,
  slaTimers,
  slaView,
  warningDue,
  type PolicyInput,
  type SlaPolicy,
  type SlaPolicySnapshot,
} from '../../shared/domain/service/sla';
import { currentContribution, dayCounters, diffCounters, serviceReport, slaOutcomes } from '../../shared/domain/service/stats';
import type { Ticket } from '../../shared/domain/service/ticket';

/** SLA clocks with an injected clock: start, warn, breach, pause while pending, resume, stop, retarget. */
const M = 60_000;
const T0 = Date.parse('2026-05-12T02:00:00Z'); // a Tuesday, 10:00 in Shanghai
const iso = (ms: number) => new Date(ms).toISOString();

const calendarPolicy: SlaPolicySnapshot = { id: 'p1', name: 'Standard', version: 1, targets: { firstResponse: 60, nextResponse: 30, resolution: 480 }, hours: 'calendar', warnAtShare: 0.8 };
const businessPolicy: SlaPolicySnapshot = {
  ...calendarPolicy,
  id: 'p2',
  name: 'Business hours',
  hours: 'business',
  calendar: { timeZone: 'Asia/Shanghai', workingDays: [1, 2, 3, 4, 5], hours: [{ from: '09:00', to: '18:00' }], holidays: [] },
};

describe('clocks of a new ticket', () => {
  it('first response and resolution start; warnings at 80 % of the target, breach at the target', () => {
    const sla = attachSla(calendarPolicy, T0, 'new');
    expect(sla.clocks.firstResponse).toMatchObject({ state: 'running', dueAt: iso(T0 + 60 * M), warnAt: iso(T0 + 48 * M) });
    expect(sla.clocks.resolution).toMatchObject({ state: 'running', dueAt: iso(T0 + 480 * M), warnAt: iso(T0 + 384 * M) });
    expect(sla.clocks.nextResponse).toBeUndefined();
    expect(slaTimers(sla).map((t) => `${t.metric}:${t.kind}@${t.at}`)).toEqual([
      `firstResponse:warn@${iso(T0 + 48 * M)}`,
      `firstResponse:breach@${iso(T0 + 60 * M)}`,
      `resolution:warn@${iso(T0 + 384 * M)}`,
      `resolution:breach@${iso(T0 + 480 * M)}`,
    ]);
  });

  it('in business hours, a ticket created Friday evening is due Monday morning', () => {
    const fridayEvening = Date.parse('2026-05-15T09:30:00Z'); // 17:30 Shanghai
    const sla = attachSla(businessPolicy, fridayEvening, 'new');
    // 30 min on Friday, 30 min on Monday from 09:00.
    expect(sla.clocks.firstResponse!.dueAt).toBe('2026-05-18T01:30:00.000Z');
  });
});

describe('pausing while pending or on hold', () => {
  it('stops measuring while pending and moves the due time on by the pause', () => {
    let sla = attachSla(calendarPolicy, T0, 'new');
    sla = slaOnStatus(sla, 'new', 'pending', T0 + 30 * M);
    expect(sla.clocks.firstResponse).toMatchObject({ state: 'paused', elapsedMs: 30 * M });
    expect(sla.clocks.firstResponse!.dueAt).toBeUndefined();
    expect(slaTimers(sla)).toEqual([]);
    sla = slaOnStatus(sla, 'pending', 'open', T0 + 120 * M);
    expect(sla.clocks.firstResponse).toMatchObject({ state: 'running', dueAt: iso(T0 + 150 * M), warnAt: iso(T0 + 138 * M) });
  });

  it('on hold pauses too; a reply from the customer resumes', () => {
    let sla = attachSla(calendarPolicy, T0, 'open');
    sla = slaOnStatus(sla, 'open', 'on-hold', T0 + 10 * M);
    sla = slaOnStatus(sla, 'on-hold', 'open', T0 + 70 * M);
    expect(sla.clocks.resolution!.dueAt).toBe(iso(T0 + 540 * M));
  });

  it('a ticket created pending starts with paused clocks', () => {
    const sla = attachSla(calendarPolicy, T0, 'pending');
    expect(sla.clocks.firstResponse!.state).toBe('paused');
  });
});

describe('responses and the next-response cycle', () => {
  it('a public agent reply meets the first response; the customer writing again starts the next-response clock', () => {
    let sla = attachSla(calendarPolicy, T0, 'new');
    sla = slaOnAgentReply(sla, T0 + 20 * M);
    expect(sla.clocks.firstResponse).toMatchObject({ state: 'stopped', outcome: 'met', elapsedMs: 20 * M });
    sla = slaOnCustomerReply(sla, T0 + 60 * M, 'open');
    expect(sla.clocks.nextResponse).toMatchObject({ state: 'running', cycle: 1, dueAt: iso(T0 + 90 * M) });
    // A second customer message before we answered does not restart the clock.
    expect(slaOnCustomerReply(sla, T0 + 70 * M, 'open').clocks.nextResponse!.dueAt).toBe(iso(T0 + 90 * M));
    sla = slaOnAgentReply(sla, T0 + 100 * M);
    expect(sla.clocks.nextResponse).toMatchObject({ state: 'stopped', outcome: 'breached' });
    sla = slaOnCustomerReply(sla, T0 + 200 * M, 'open');
    expect(sla.clocks.nextResponse).toMatchObject({ state: 'running', cycle: 2 });
  });

  it('a customer reply before the first response starts nothing new', () => {
    const sla = slaOnCustomerReply(attachSla(calendarPolicy, T0, 'new'), T0 + M, 'new');
    expect(sla.clocks.nextResponse).toBeUndefined();
  });
});

describe('warnings and breaches, checked when their timer fires', () => {
  it('fire only at their instant, for the timer of the current due time, once', () => {
    let sla = attachSla(calendarPolicy, T0, 'new');
    const warnAt = sla.clocks.firstResponse!.warnAt!;
    const dueAt = sla.clocks.firstResponse!.dueAt!;
    expect(warningDue(sla, 'firstResponse', warnAt, T0 + 47 * M)).toBe(false);
    expect(warningDue(sla, 'firstResponse', warnAt, T0 + 48 * M)).toBe(true);
    sla = markWarned(sla, 'firstResponse', T0 + 48 * M);
    expect(warningDue(sla, 'firstResponse', warnAt, T0 + 49 * M)).toBe(false);
    expect(breachDue(sla, 'firstResponse', dueAt, T0 + 60 * M)).toBe(true);
    sla = markBreached(sla, 'firstResponse', T0 + 60 * M);
    expect(sla.breached).toBe(true);
    expect(breachDue(sla, 'firstResponse', dueAt, T0 + 61 * M)).toBe(false);
    expect(slaView(sla, T0 + 61 * M)!.clocks[0]).toMatchObject({ metric: 'firstResponse', breached: true, dueAt, elapsedMinutes: 61 });
    // Answering late keeps it breached.
    expect(slaOnAgentReply(sla, T0 + 70 * M).clocks.firstResponse).toMatchObject({ state: 'stopped', outcome: 'breached' });
  });

  it('a timer set before a pause is stale: the clock has another due time now', () => {
    let sla = attachSla(calendarPolicy, T0, 'new');
    const firstDue = sla.clocks.firstResponse!.dueAt!;
    sla = slaOnStatus(sla, 'new', 'pending', T0 + 30 * M);
    expect(breachDue(sla, 'firstResponse', firstDue, T0 + 60 * M)).toBe(false);
    sla = slaOnStatus(sla, 'pending', 'open', T0 + 40 * M);
    expect(breachDue(sla, 'firstResponse', firstDue, T0 + 60 * M)).toBe(false);
    expect(breachDue(sla, 'firstResponse', sla.clocks.firstResponse!.dueAt!, T0 + 70 * M)).toBe(true);
  });
});

describe('solve, reopen and a new policy', () => {
  it('solving stops every clock; reopening continues the resolution time', () => {
    let sla = attachSla(calendarPolicy, T0, 'open');
    sla = slaOnAgentReply(sla, T0 + 5 * M);
    sla = slaOnStatus(sla, 'open', 'solved', T0 + 100 * M);
    expect(sla.clocks.resolution).toMatchObject({ state: 'stopped', outcome: 'met', elapsedMs: 100 * M });
    sla = slaOnStatus(sla, 'solved', 'open', T0 + 1000 * M);
    expect(sla.clocks.resolution).toMatchObject({ state: 'running', dueAt: iso(T0 + 1380 * M) });
  });

  it('a priority change keeps the time measured and applies the new targets', () => {
    let sla = attachSla(calendarPolicy, T0, 'open');
    const urgent: SlaPolicySnapshot = { ...calendarPolicy, id: 'urgent', targets: { firstResponse: 15, resolution: 120 } };
    sla = reapplyPolicy(sla, urgent, T0 + 10 * M, 'open')!;
    expect(sla.policy.id).toBe('urgent');
    expect(sla.clocks.firstResponse).toMatchObject({ state: 'running', dueAt: iso(T0 + 15 * M), elapsedMs: 10 * M });
    expect(reapplyPolicy(sla, undefined, T0 + 11 * M, 'open')!.clocks.firstResponse).toBeUndefined();
  });
});

describe('policies', () => {
  const policy = (id: string, position: number, conditions: SlaPolicy['conditions'], active = true): SlaPolicy => ({
    id,
    name: id,
    position,
    active,
    conditions,
    targets: { firstResponse: 60 },
    hours: 'calendar',
    createdAt: '',
    updatedAt: '',
    version: 1,
  });

  it('the first active policy in position order whose conditions hold applies', () => {
    const list = [policy('default', 100, {}), policy('vip', 1, { tiers: ['vip'] }), policy('urgent', 2, { priorities: ['urgent'] }), policy('off', 0, {}, false), policy('refunds', 3, { types: ['refund', 'return'] })];
    expect(matchPolicy(list, { priority: 'urgent', type: 'inquiry', tier: 'vip' })!.id).toBe('vip');
    expect(matchPolicy(list, { priority: 'urgent', type: 'inquiry' })!.id).toBe('urgent');
    expect(matchPolicy(list, { priority: 'low', type: 'return' })!.id).toBe('refunds');
    expect(matchPolicy(list, { priority: 'low', type: 'inquiry' })!.id).toBe('default');
    expect(matchPolicy([policy('vip', 1, { tiers: ['vip'] })], { priority: 'low', type: 'inquiry' })).toBeUndefined();
  });

  const valid: PolicyInput = { name: 'x', position: 1, targets: { firstResponse: 60, resolution: 480 }, hours: 'calendar' };
  it.each([
    ['no target', { targets: {} }, 'targets'],
    ['a zero target', { targets: { firstResponse: 0 } }, 'targets.firstResponse'],
    ['resolution before first response', { targets: { firstResponse: 60, resolution: 30 } }, 'targets.resolution'],
    ['business hours without a calendar', { hours: 'business' }, 'calendar'],
    ['overlapping business hours', { hours: 'business', calendar: { timeZone: 'UTC', workingDays: [1], hours: [{ from: '09:00', to: '13:00' }, { from: '12:00', to: '18:00' }], holidays: [] } }, 'calendar.hours.1'],
    ['a warning share out of range', { warnAtShare: 1.2 }, 'warnAtShare'],
    ['an empty condition list', { conditions: { priorities: [] } }, 'conditions.priorities'],
  ])('refuses %s, naming the field', (_, patch, field) => {
    const input = { ...valid, ...patch } as PolicyInput;
    expect(policyIssues(input).map((i) => i.field)).toContain(field);
    expect(() => assertPolicy(input)).toThrow(ValidationError);
  });
});

describe('counters', () => {
  const base: Ticket = {
    id: 'T',
    number: 1,
    subject: 's',
    type: 'refund',
    priority: 'high',
    channel: 'web',
    status: 'new',
    source: 'api',
    interactionIds: [],
    tags: [],
    collaborators: [],
    createdBy: 'a',
    createdAt: '2026-05-12T02:00:00.000Z',
    updatedAt: '2026-05-12T02:00:00.000Z',
    statusChangedAt: '2026-05-12T02:00:00.000Z',
    reopenedCount: 0,
    version: 1,
  };

  it('current counters move from the old contribution to the new one', () => {
    const assigned = { ...base, status: 'open' as const, assigneeId: 'amy' };
    expect(diffCounters(currentContribution(assigned), currentContribution(base))).toEqual({ 'status:new': -1, 'status:open': 1, 'open.agent:-': -1, 'open.agent:amy': 1 });
    const solved = { ...assigned, status: 'solved' as const };
    expect(diffCounters(currentContribution(solved), currentContribution(assigned))).toEqual({ 'status:open': -1, 'status:solved': 1, 'open.priority:high': -1, 'open.type:refund': -1, 'open.agent:amy': -1, 'open.group:-': -1 });
  });

  it('day counters count what happened: created, first response, solved with their minutes, SLA outcomes', () => {
    expect(dayCounters(undefined, base)).toEqual({ created: 1, 'created.type:refund': 1, 'created.priority:high': 1, 'created.channel:web': 1 });
    const answered = { ...base, firstResponseAt: '2026-05-12T02:45:00.000Z' };
    expect(dayCounters(base, answered)).toEqual({ 'firstResponse.count': 1, 'firstResponse.minutes': 45 });
    const solved = { ...answered, status: 'solved' as const, assigneeId: 'amy', solvedAt: '2026-05-12T04:00:00.000Z' };
    expect(dayCounters(answered, solved)).toMatchObject({ solved: 1, 'solved.agent:amy': 1, 'resolution.count': 1, 'resolution.minutes': 120 });
  });

  it('an SLA outcome counts once, when reached', () => {
    const a = attachSla(calendarPolicy, T0, 'new');
    const met = slaOnAgentReply(a, T0 + M);
    expect(slaOutcomes(a, met)).toEqual({ 'sla.firstResponse.met': 1 });
    expect(slaOutcomes(met, met)).toEqual({});
    const breached = markBreached(a, 'resolution', T0 + 500 * M);
    expect(slaOutcomes(a, breached)).toEqual({ 'sla.resolution.breached': 1 });
  });

  it('the report adds up averages, compliance, CSAT and NPS', () => {
    const r = serviceReport(
      { 'status:open': 3, 'open.agent:amy': 2 },
      { 'firstResponse.count': 2, 'firstResponse.minutes': 90, 'sla.firstResponse.met': 3, 'sla.firstResponse.breached': 1, 'csat:5': 3, 'csat:1': 1, 'nps:10': 2, 'nps:9': 1, 'nps:3': 1 },
      { from: '2026-05-01', to: '2026-05-31', timeZone: 'UTC' },
    );
    expect(r.current.byStatus).toEqual({ open: 3 });
    expect(r.current.unsolvedByAgent).toEqual({ amy: 2 });
    expect(r.period.averageFirstResponseMinutes).toBe(45);
    expect(r.period.sla.firstResponse).toEqual({ met: 3, breached: 1, compliance: 0.75 });
    expect(r.period.csat).toMatchObject({ responses: 4, average: 4, satisfiedShare: 0.75 });
    expect(r.period.nps).toMatchObject({ responses: 4, promoters: 3, detractors: 1, score: 50 });
  });
});
