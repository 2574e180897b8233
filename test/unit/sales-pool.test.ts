import { assertSees, assertSeesLead, assertChangesLead, seesLead } from '../../shared/domain/sales/access';
import { assertLeadTransition, companyKey, isHeld, type Lead } from '../../shared/domain/sales/lead';
import { assertClaimable, matchRule, pickRep, poolReturnDue, returnReason, shouldReturnToPool, type RepState } from '../../shared/domain/sales/pool';
import { DEFAULT_PIPELINE_SETTINGS, gradeOf, settingsIssues, type PipelineSettings } from '../../shared/domain/sales/settings';

const T0 = Date.parse('2026-03-01T02:00:00.000Z');
const DAY = 86_400_000;
const lead = (over: Partial<Lead> = {}): Lead => ({
  id: 'L1',
  status: 'contacted',
  sourceChannel: 'website-form',
  company: 'Acme Trading',
  followUpCount: 0,
  ownerId: 'amy',
  ownedSince: new Date(T0).toISOString(),
  createdBy: 'amy',
  createdAt: new Date(T0).toISOString(),
  updatedAt: new Date(T0).toISOString(),
  version: 1,
  ...over,
});
const s = (over: Partial<PipelineSettings> = {}): PipelineSettings => ({ ...DEFAULT_PIPELINE_SETTINGS, ...over });
const rule = (code: string) => expect.objectContaining({ extra: expect.objectContaining({ rule: code }) });

describe('return to the pool', () => {
  it('is due N after the later of getting the lead and its last follow-up', () => {
    expect(poolReturnDue(lead(), s())).toBe(T0 + 30 * DAY);
    expect(poolReturnDue(lead({ lastFollowUpAt: new Date(T0 + 5 * DAY).toISOString() }), s())).toBe(T0 + 35 * DAY);
    // A follow-up logged before the current owner got it does not shorten their time.
    expect(poolReturnDue(lead({ lastFollowUpAt: new Date(T0 - 5 * DAY).toISOString() }), s())).toBe(T0 + 30 * DAY);
    expect(poolReturnDue(lead(), s({ returnToPoolAfter: { amount: 36, unit: 'hours' } }))).toBe(T0 + 36 * 3_600_000);
    expect(poolReturnDue(lead(), s({ returnToPoolAfter: { amount: 2, unit: 'minutes' } }))).toBe(T0 + 120_000);
  });

  it('is never due for a lead nobody holds: the pool, converted, disqualified', () => {
    expect(poolReturnDue(lead({ ownerId: undefined }), s())).toBeUndefined();
    expect(poolReturnDue(lead({ status: 'converted' }), s())).toBeUndefined();
    expect(poolReturnDue(lead({ status: 'disqualified' }), s())).toBeUndefined();
  });

  it('returns at the instant, not a millisecond before', () => {
    expect(shouldReturnToPool(lead(), s(), T0 + 30 * DAY - 1)).toBe(false);
    expect(shouldReturnToPool(lead(), s(), T0 + 30 * DAY)).toBe(true);
    expect(returnReason(s())).toBe('returned: no follow-up for 30 days');
    expect(returnReason(s({ returnToPoolAfter: { amount: 1, unit: 'days' } }))).toBe('returned: no follow-up for 1 day');
  });
});

describe('claiming from the pool', () => {
  const pool = lead({ ownerId: undefined, ownedSince: undefined });
  it('lets a rep under the limit claim an open pool lead; their own lead is no change', () => {
    expect(assertClaimable(pool, 'bob', 99, s(), T0)).toBe('claim');
    expect(assertClaimable(lead(), 'amy', 100, s(), T0)).toBe('already-owner');
  });

  it('refuses at the limit, another rep’s lead (409 lead-owned), closed leads, and the former owner during the cooling-off', () => {
    expect(() => assertClaimable(pool, 'bob', 100, s(), T0)).toThrow(rule('held-lead-limit'));
    expect(() => assertClaimable(pool, 'bob', 3, s({ heldLeadLimit: 3 }), T0)).toThrow(rule('held-lead-limit'));
    expect(() => assertClaimable(lead(), 'bob', 0, s(), T0)).toThrow(rule('lead-owned'));
    expect(() => assertClaimable({ ...pool, status: 'converted' }, 'bob', 0, s(), T0)).toThrow(rule('lead-closed'));
    const returned = { ...pool, returnedFrom: { ownerId: 'amy', at: new Date(T0).toISOString(), until: new Date(T0 + 7 * DAY).toISOString() } };
    expect(() => assertClaimable(returned, 'amy', 0, s(), T0 + 7 * DAY - 1)).toThrow(rule('reclaim-cooling-off'));
    expect(assertClaimable(returned, 'amy', 0, s(), T0 + 7 * DAY)).toBe('claim');
    expect(assertClaimable(returned, 'bob', 0, s(), T0)).toBe('claim');
  });
});

describe('assignment rules', () => {
  const rules: PipelineSettings['assignmentRules'] = [
    { id: 'east-kettles', name: 'East, kettles', match: { regions: ['East China'], productLines: ['Kettles'] }, reps: ['amy', 'bob'] },
    { id: 'east', name: 'East', match: { regions: ['east china', '华东'] }, reps: ['cid', 'dee', 'eve'] },
    { id: 'fairs', name: 'Trade shows', match: { sourceChannels: ['trade-show'] }, reps: ['fay'] },
  ];
  it('takes the first rule whose lists all contain the lead’s values, case-folded', () => {
    expect(matchRule(rules, { region: 'EAST CHINA', productLine: 'kettles', sourceChannel: 'website-form' })?.id).toBe('east-kettles');
    expect(matchRule(rules, { region: 'East China', productLine: 'Blenders', sourceChannel: 'website-form' })?.id).toBe('east');
    expect(matchRule(rules, { region: '华东', sourceChannel: 'wechat' })?.id).toBe('east');
    expect(matchRule(rules, { region: 'North', sourceChannel: 'trade-show' })?.id).toBe('fairs');
    expect(matchRule(rules, { sourceChannel: 'phone' })).toBeUndefined();
    // A rule naming regions does not match a lead without one.
    expect(matchRule(rules.slice(0, 2), { productLine: 'Kettles', sourceChannel: 'phone' })).toBeUndefined();
  });

  it('hands out round-robin after the last rep, skipping reps off duty, inactive or at the limit, wrapping around', () => {
    const reps = (over: Record<string, Partial<RepState>> = {}) =>
      new Map<string, RepState>(['cid', 'dee', 'eve'].map((r) => [r, { active: true, onDuty: true, held: 0, ...over[r] }]));
    const r = rules[1]!;
    expect(pickRep(r, undefined, reps(), 10)).toBe('cid');
    expect(pickRep(r, 'cid', reps(), 10)).toBe('dee');
    expect(pickRep(r, 'eve', reps(), 10)).toBe('cid');
    expect(pickRep(r, 'cid', reps({ dee: { onDuty: false } }), 10)).toBe('eve');
    expect(pickRep(r, 'cid', reps({ dee: { active: false }, eve: { held: 10 } }), 10)).toBe('cid');
    expect(pickRep(r, 'cid', reps({ cid: { held: 10 }, dee: { held: 10 }, eve: { onDuty: false } }), 10)).toBeUndefined();
    // A rep removed from the rule since the last hand-out: start from the top.
    expect(pickRep(r, 'zed', reps(), 10)).toBe('cid');
  });
});

describe('leads', () => {
  it('moves new → contacted → qualified; disqualified reopens as contacted; converted and merged are final', () => {
    expect(() => assertLeadTransition({ id: 'L', status: 'new' }, 'qualified')).not.toThrow();
    expect(() => assertLeadTransition({ id: 'L', status: 'qualified' }, 'new')).toThrow(rule('lead-status'));
    expect(() => assertLeadTransition({ id: 'L', status: 'disqualified' }, 'contacted')).not.toThrow();
    expect(() => assertLeadTransition({ id: 'L', status: 'disqualified' }, 'qualified')).toThrow(rule('lead-status'));
    expect(() => assertLeadTransition({ id: 'L', status: 'converted' }, 'contacted')).toThrow(rule('lead-closed'));
    expect(() => assertLeadTransition({ id: 'L', status: 'qualified' }, 'converted')).toThrow(rule('convert-through-route'));
  });

  it('counts against the limit only while owned and open', () => {
    expect([isHeld(lead()), isHeld(lead({ ownerId: undefined })), isHeld(lead({ status: 'converted' })), isHeld(lead({ status: 'disqualified' })), isHeld(lead({ status: 'new' }))]).toEqual([true, false, false, false, true]);
  });

  it('folds company names for dedup: width, case, punctuation, spaces, one legal suffix', () => {
    expect(companyKey('ACME Co., Ltd.')).toBe('acme');
    expect(companyKey('  acme  ')).toBe('acme');
    expect(companyKey('Ａｃｍｅ　Ｔｒａｄｉｎｇ Inc.')).toBe('acmetrading');
    expect(companyKey('上海某某贸易有限公司')).toBe(companyKey('上海某某贸易'));
    expect(companyKey('Acme Trading')).not.toBe(companyKey('Acme Tools'));
    expect(companyKey('Ltd')).toBe('ltd');
  });

  it('grades a score: A at or above 80, B at or above 50, else C (configurable)', () => {
    expect([gradeOf(80, { A: 80, B: 50 }), gradeOf(79, { A: 80, B: 50 }), gradeOf(50, { A: 80, B: 50 }), gradeOf(49, { A: 80, B: 50 }), gradeOf(60, { A: 60, B: 30 })]).toEqual(['A', 'B', 'B', 'C', 'A']);
  });
});

describe('ownership', () => {
  const rep = { id: 'amy', all: false, admin: false };
  const other = { id: 'bob', all: false, admin: false };
  const manager = { id: 'boss', all: true, admin: true };
  it('a rep sees their own and the pool’s leads (404 otherwise), changes only their own (pool: 409 claim-first); a manager everything', () => {
    const mine = lead();
    const pool = lead({ ownerId: undefined });
    expect(() => assertSeesLead(rep, mine)).not.toThrow();
    expect(() => assertSeesLead(other, mine)).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => assertSeesLead(other, pool)).not.toThrow();
    expect(() => assertChangesLead(other, pool)).toThrow(rule('claim-first'));
    expect(() => assertChangesLead(manager, mine)).not.toThrow();
    expect(seesLead(other, { ...pool, status: 'disqualified' })).toBe(false);
    expect(() => assertSees(other, 'Opportunity', 'O1', 'amy')).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => assertSees(manager, 'Opportunity', 'O1', 'amy')).not.toThrow();
  });
});

describe('settings', () => {
  it('accepts the defaults and names each bad field', () => {
    expect(settingsIssues(DEFAULT_PIPELINE_SETTINGS)).toEqual([]);
    const bad = settingsIssues({
      ...DEFAULT_PIPELINE_SETTINGS,
      heldLeadLimit: 0,
      returnToPoolAfter: { amount: 0, unit: 'days' },
      stages: [
        { id: 'a', name: 'A', probability: 10, kind: 'open', required: [] },
        { id: 'won', name: 'Won', probability: 90, kind: 'won', required: [] },
      ],
      assignmentRules: [{ id: 'r', name: 'r', match: {}, reps: [] }],
      currency: 'XXY',
      reportTimeZone: 'Mars/Base',
    });
    expect(bad.map((i) => i.field).sort()).toEqual(['assignmentRules.0.reps', 'currency', 'heldLeadLimit', 'reportTimeZone', 'returnToPoolAfter.amount', 'stages', 'stages.1.probability'].sort());
  });
});
