import { ValidationError } from '../../shared/domain/errors';
import { assertAssignable, pickLeastLoaded, pickRoundRobin, type Agent, type Group } from '../../shared/domain/service/agents';
import { cadenceIssues, fireTime, nextAnnual, renderTemplate } from '../../shared/domain/service/cadences';
import { checkSurveyLink, csatSummary, deriveLinkKey, isBadRating, npsSummary, signSurveyLink } from '../../shared/domain/service/surveys';
import { taskReminders } from '../../shared/domain/service/tasks';

/** Assignment picks, task reminders, care cadence timing, signed survey links: pure rules with an injected clock. */
const agent = (id: string, extra: Partial<Agent> = {}): Agent => ({ id, name: id, active: true, onDuty: true, createdAt: '', updatedAt: '', version: 1, ...extra });
const group = (extra: Partial<Group> = {}): Group => ({ id: 'care', name: 'Care', members: ['a', 'b', 'c'], assignment: 'round-robin', active: true, createdAt: '', updatedAt: '', version: 1, ...extra });

describe('assignment', () => {
  const agents = new Map([agent('a'), agent('b', { onDuty: false }), agent('c'), agent('d', { active: false })].map((x) => [x.id, x]));

  it('round-robin takes the next member on duty after the last one handed a ticket, wrapping around', () => {
    expect(pickRoundRobin(group(), agents)).toBe('a');
    expect(pickRoundRobin(group({ lastAssigneeId: 'a' }), agents)).toBe('c'); // b is off duty
    expect(pickRoundRobin(group({ lastAssigneeId: 'c' }), agents)).toBe('a');
    expect(pickRoundRobin(group({ members: ['b', 'd'] }), agents)).toBeUndefined();
  });

  it('least-loaded takes the member on duty with the fewest unsolved tickets; ties go round', () => {
    const load: Record<string, number> = { a: 5, b: 0, c: 2 };
    expect(pickLeastLoaded(group(), agents, (id) => load[id] ?? 0)).toBe('c');
    expect(pickLeastLoaded(group({ lastAssigneeId: 'a' }), agents, () => 1)).toBe('c');
    expect(pickLeastLoaded(group({ lastAssigneeId: 'c' }), agents, () => 1)).toBe('a');
  });

  it('refuses an unknown, inactive, or non-member assignee, naming assigneeId', () => {
    expect(() => assertAssignable('zed', undefined)).toThrow(ValidationError);
    expect(() => assertAssignable('d', agents.get('d'))).toThrow(/inactive/);
    expect(() => assertAssignable('a', agents.get('a'), group({ members: ['c'] }))).toThrow(/not a member/);
    try {
      assertAssignable('zed', undefined);
    } catch (e) {
      expect((e as ValidationError).issues[0]!.field).toBe('assigneeId');
    }
    expect(assertAssignable('b', agents.get('b')).id).toBe('b'); // off duty may still be assigned by hand
  });
});

describe('task reminders', () => {
  const now = Date.parse('2026-05-12T08:00:00Z');
  it('before (when still ahead), at the due time, and the overdue escalation', () => {
    expect(taskReminders({ status: 'open', dueAt: '2026-05-12T10:00:00.000Z', remindBeforeMinutes: 30 }, now, 60)).toEqual([
      { kind: 'before', at: '2026-05-12T09:30:00.000Z' },
      { kind: 'due', at: '2026-05-12T10:00:00.000Z' },
      { kind: 'overdue', at: '2026-05-12T11:00:00.000Z' },
    ]);
    expect(taskReminders({ status: 'open', dueAt: '2026-05-12T08:10:00.000Z', remindBeforeMinutes: 30 }, now, 60).map((r) => r.kind)).toEqual(['due', 'overdue']);
    expect(taskReminders({ status: 'done', dueAt: '2026-05-12T10:00:00.000Z', remindBeforeMinutes: 30 }, now, 60)).toEqual([]);
    expect(taskReminders({ status: 'open', remindBeforeMinutes: 30 }, now, 60)).toEqual([]);
  });
});

describe('care cadences', () => {
  const care = { hour: 10, timeZone: 'Asia/Shanghai' };
  const now = Date.parse('2026-05-12T08:00:00Z');

  it('new lead within 24 hours: fires when the customer is created (optionally only for some channels)', () => {
    expect(fireTime({ on: 'customer-created', afterMinutes: 0 }, { now, createdAt: '2026-05-12T07:00:00.000Z' }, care)).toBe(Date.parse('2026-05-12T07:00:00Z'));
    expect(fireTime({ on: 'customer-created', afterMinutes: 0, sourceChannels: ['wechat-mini'] }, { now, createdAt: '2026-05-12T07:00:00.000Z', sourceChannel: 'shopify' }, care)).toBeUndefined();
  });

  it('post-purchase follow-up 3 and 15 days after the order, at the care hour local time', () => {
    expect(new Date(fireTime({ on: 'order-placed', afterDays: 3 }, { now, placedAt: '2026-05-12T15:00:00Z' }, care)!).toISOString()).toBe('2026-05-15T02:00:00.000Z');
    expect(new Date(fireTime({ on: 'order-placed', afterDays: 15 }, { now, placedAt: '2026-05-12T01:00:00Z' }, care)!).toISOString()).toBe('2026-05-27T02:00:00.000Z');
  });

  it('renewal 7 days before the contract end date attribute', () => {
    expect(new Date(fireTime({ on: 'date-attribute', attribute: 'contractEndsOn', daysBefore: 7 }, { now, attributes: { contractEndsOn: '2026-06-30' } }, care)!).toISOString()).toBe('2026-06-23T02:00:00.000Z');
    expect(fireTime({ on: 'date-attribute', attribute: 'contractEndsOn', daysBefore: 7 }, { now, attributes: {} }, care)).toBeUndefined();
  });

  it('birthday and holiday: the next occurrence; 29 February is 28 February in other years', () => {
    expect(new Date(fireTime({ on: 'birthday' }, { now, birthday: '1990-05-20' }, care)!).toISOString()).toBe('2026-05-20T02:00:00.000Z');
    expect(new Date(fireTime({ on: 'birthday' }, { now, birthday: '1990-01-20' }, care)!).toISOString()).toBe('2027-01-20T02:00:00.000Z');
    expect(new Date(nextAnnual('02-29', now, 10, 'UTC')).toISOString()).toBe('2027-02-28T10:00:00.000Z');
    expect(new Date(fireTime({ on: 'holiday', date: '10-01', name: 'National Day' }, { now }, care)!).toISOString()).toBe('2026-10-01T02:00:00.000Z');
  });

  it('validates rules, naming the field', () => {
    expect(cadenceIssues({ trigger: { on: 'holiday', date: '02-30', name: 'x' }, action: { kind: 'message', channel: 'sms', body: 'hi' } }).map((i) => i.field)).toEqual(['trigger.date']);
    expect(cadenceIssues({ trigger: { on: 'order-placed', afterDays: -1 }, action: { kind: 'task', title: 't', priority: 'normal', dueInHours: 24 } }).map((i) => i.field)).toEqual(['trigger.afterDays', 'action.assigneeId']);
    expect(cadenceIssues({ trigger: { on: 'birthday' }, action: { kind: 'message', channel: 'email', body: 'Happy birthday' } }).map((i) => i.field)).toEqual(['action.subject']);
    expect(renderTemplate('Happy birthday, {{ name }}!', { name: 'Li Lei' })).toBe('Happy birthday, Li Lei!');
  });
});

describe('signed survey links', () => {
  const key = deriveLinkKey(Buffer.alloc(32, 3));
  const now = Date.parse('2026-05-12T08:00:00Z');
  const exp = now / 1000 + 3600;

  it('accepts its own signature until the expiry', () => {
    const sig = signSurveyLink(key, 'S1', exp);
    expect(checkSurveyLink(key, 'S1', String(exp), sig, now)).toEqual({ ok: true });
    expect(checkSurveyLink(key, 'S1', String(exp), sig, now + 3601_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a forged link: another survey, another expiry, another key, no signature', () => {
    const sig = signSurveyLink(key, 'S1', exp);
    expect(checkSurveyLink(key, 'S2', String(exp), sig, now)).toEqual({ ok: false, reason: 'forged' });
    expect(checkSurveyLink(key, 'S1', String(exp + 86_400), sig, now)).toEqual({ ok: false, reason: 'forged' });
    expect(checkSurveyLink(deriveLinkKey(Buffer.alloc(32, 4)), 'S1', String(exp), sig, now)).toEqual({ ok: false, reason: 'forged' });
    expect(checkSurveyLink(key, 'S1', String(exp), undefined, now)).toEqual({ ok: false, reason: 'forged' });
    // Forged and expired: forged wins (nothing is said about a link we did not issue).
    expect(checkSurveyLink(key, 'S1', String(exp - 7200), sig, now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('summarizes CSAT and NPS; 1–2 is a bad rating', () => {
    expect(csatSummary({ '1': 1, '5': 1 })).toMatchObject({ responses: 2, average: 3, satisfiedShare: 0.5 });
    expect(npsSummary({})).toMatchObject({ responses: 0, score: null });
    expect(npsSummary({ '0': 1, '7': 1, '10': 2 })).toMatchObject({ promoters: 2, passives: 1, detractors: 1, score: 25 });
    expect(isBadRating({ kind: 'csat', rating: 2 })).toBe(true);
    expect(isBadRating({ kind: 'csat', rating: 3 })).toBe(false);
    expect(isBadRating({ kind: 'nps', rating: 1 })).toBe(false);
  });
});
