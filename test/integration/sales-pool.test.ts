import { DEFAULT_PIPELINE_SETTINGS } from '../../shared/domain/sales/settings';
import type { EventEnvelope } from '../../shared/events/envelope';
import type { Timer } from '../../shared/store/timers-repo';
import { putAgent } from '../../shared/usecases/service/admin';
import { syncTaskTimers } from '../../shared/usecases/service/reminders';
import { salesRepos, type SalesCtx } from '../../shared/usecases/sales/common';
import { addFollowUp, leadHistory } from '../../shared/usecases/sales/lead-followups';
import { mergeLeads } from '../../shared/usecases/sales/lead-merge';
import { claimLead, releaseLead } from '../../shared/usecases/sales/lead-pool';
import { createLead, listLeads, updateLead } from '../../shared/usecases/sales/leads';
import { onSalesEvent, SALES_CONSUMES } from '../../shared/usecases/sales/sales-events';
import { putSettings } from '../../shared/usecases/sales/settings';
import { TIMER_HANDLERS } from '../../shared/usecases/timers/handlers';
import { fireTimer } from '../../shared/usecases/timers/timers';
import type { CapturingPublisher } from '../support/db';
import { drainStream } from '../support/stream';
import { serviceWorld, type World } from './service-helpers';

/**
 * Leads and the public pool on DynamoDB Local, with a clock the test moves: concurrent claims
 * against the held-lead limit, the return-to-pool timer reset by follow-ups, cooling-off,
 * round-robin assignment of intake leads, dedup and merge.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let w: World;
let seen = 0;

const as = (id: string, all = false): SalesCtx => ({ ...w.ctx(id), actor: { id, all, admin: all } });
const boss = () => as('boss', true);
const rule = (code: string) => expect.objectContaining({ extra: expect.objectContaining({ rule: code }) });

/** What the consumers do in the stack: the relay publishes, the sales consumer sets its timers, task-reminders theirs. */
async function settle(): Promise<EventEnvelope[]> {
  await drainStream(w.deps as never);
  const published = ((await w.deps.publisher!()) as CapturingPublisher).events;
  const fresh = published.slice(seen);
  seen = published.length;
  for (const e of fresh) {
    if ((SALES_CONSUMES as readonly string[]).includes(e.type)) await onSalesEvent(w.ctx('system:sales-pipeline'), e);
    if (e.type === 'TaskCreated') await syncTaskTimers(w.ctx('system:task-reminders'), (e.data as { taskId: string }).taskId);
  }
  return fresh;
}

async function fireDue(): Promise<string[]> {
  const due: Timer[] = await w.deps.timers.due('2000-01-01T00:00:00.000Z', new Date(w.clock.t).toISOString());
  const fired: string[] = [];
  for (const t of due) if ((await fireTimer({ deps: w.deps, correlationId: 'it', actorId: `system:timer:${t.kind}` }, t, TIMER_HANDLERS)) === 'fired') fired.push(t.kind);
  return fired;
}

beforeAll(async () => {
  w = await serviceWorld('2026-05-12T02:00:00.000Z');
  const admin = w.ctx('admin-1');
  for (const [id, name] of [['boss', 'Boss'], ['amy', 'Amy'], ['bob', 'Bob'], ['cid', 'Cid']]) await putAgent(admin, id!, { name: name!, ...(id !== 'boss' ? { managerId: 'boss' } : {}) });
  await putSettings(
    admin,
    {
      ...DEFAULT_PIPELINE_SETTINGS,
      heldLeadLimit: 3,
      returnToPoolAfter: { amount: 2, unit: 'days' },
      reclaimCoolingOff: { amount: 1, unit: 'days' },
      assignmentRules: [{ id: 'east', name: 'East China', match: { regions: ['East China'] }, reps: ['amy', 'bob'] }],
    },
    0,
  );
});

let n = 0;
const fields = (over: Record<string, unknown> = {}) => {
  n++;
  return { sourceChannel: 'website-form' as const, company: `Pool Test ${n} Trading`, contactName: `Contact ${n}`, phone: `+86138${String(10_000_000 + n).slice(-8)}`, region: 'West', ...over };
};

describe('claims against the held-lead limit', () => {
  it('ten concurrent claims by one rep: exactly as many as the limit succeed, the rest are 409 held-lead-limit', async () => {
    const pool = await Promise.all(Array.from({ length: 10 }, () => createLead(boss(), { ...fields(), ownerId: null })));
    expect(pool.every((l) => !l.ownerId)).toBe(true);
    const results = await Promise.allSettled(pool.map((l) => claimLead(as('cid'), l.id)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(3);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toEqual(rule('held-lead-limit'));
    expect((await salesRepos(w.deps).leads.held(['cid'])).get('cid')).toBe(3);
    const mine = await listLeads(as('cid'), { limit: 50 });
    expect(mine.items).toHaveLength(3);
    // Giving one back frees a slot.
    await releaseLead(as('cid'), mine.items[0]!.id);
    expect((await salesRepos(w.deps).leads.held(['cid'])).get('cid')).toBe(2);
  });

  it('two reps claiming the same lead: one gets it, the other 409 lead-owned', async () => {
    const l = await createLead(boss(), { ...fields(), ownerId: null });
    const results = await Promise.allSettled([claimLead(as('amy'), l.id), claimLead(as('bob'), l.id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toEqual(rule('lead-owned'));
    const owner = (await salesRepos(w.deps).leads.get(l.id))!.ownerId!;
    expect((await salesRepos(w.deps).leads.held([owner])).get(owner)).toBe(1);
    await releaseLead(as(owner), l.id);
  });
});

describe('the return to the pool', () => {
  it('returns a lead nobody followed up for 2 days; a follow-up restarts the time; the former owner waits out the cooling-off', async () => {
    const l = await createLead(as('amy'), fields());
    expect(l.ownerId).toBe('amy');
    await settle();
    w.clock.advance(1 * DAY);
    const f = await addFollowUp(as('amy'), l.id, { channel: 'call', summary: 'Wants a price list for 500 kettles', nextFollowUpAt: new Date(w.clock.t + 3 * DAY).toISOString() });
    expect(f.lead).toMatchObject({ status: 'contacted', followUpCount: 1, nextFollowUpTaskId: expect.any(String) });
    await settle();
    // The first timer (2 days after the assignment) fires and finds the lead followed up: it stays.
    w.clock.advance(1 * DAY + HOUR);
    expect(await fireDue()).toEqual(expect.arrayContaining(['lead.pool-return']));
    expect((await salesRepos(w.deps).leads.get(l.id))!.ownerId).toBe('amy');
    // Two days after the follow-up, it goes.
    w.clock.advance(1 * DAY);
    expect(await fireDue()).toContain('lead.pool-return');
    const back = (await salesRepos(w.deps).leads.get(l.id))!;
    expect(back.ownerId).toBeUndefined();
    expect(back.returnedFrom).toMatchObject({ ownerId: 'amy', until: new Date(w.clock.t + DAY).toISOString() });
    const h = await leadHistory(boss(), l.id, 50);
    expect(h.items.find((e) => e.action === 'returned')).toMatchObject({ previousOwnerId: 'amy', note: 'returned: no follow-up for 2 days', actorId: 'system:timer:lead.pool-return' });
    // The open follow-up task went with it.
    expect((await w.deps.tasks.get(f.lead.nextFollowUpTaskId!))!.status).toBe('done');
    expect((await settle()).map((e) => e.type)).toContain('LeadReturnedToPool');
    // It fires once.
    expect(await fireDue()).toEqual([]);
    await expect(claimLead(as('amy'), l.id)).rejects.toEqual(rule('reclaim-cooling-off'));
    expect((await claimLead(as('bob'), l.id)).ownerId).toBe('bob');
    expect((await salesRepos(w.deps).leads.held(['amy'])).get('amy')).toBe(0);
    await settle();
  });
});

describe('intake and assignment rules', () => {
  it('hands intake leads round-robin among the rule’s reps on duty and under the limit, then to the pool', async () => {
    const intake = () => createLead(as('web-form'), { ...fields({ region: 'east china' }) }, { intake: true });
    const owners = [];
    for (let i = 0; i < 3; i++) owners.push((await intake()).ownerId);
    // bob already holds the lead claimed above; amy holds none.
    expect(owners).toEqual(['amy', 'bob', 'amy']);
    await putAgent(w.ctx('admin-1'), 'bob', { name: 'Bob', managerId: 'boss', onDuty: false, version: (await w.deps.agents.getAgent('bob'))!.version });
    expect((await intake()).ownerId).toBe('amy');
    // amy is at the limit (3) and bob off duty: the pool.
    const pooled = await intake();
    expect(pooled.ownerId).toBeUndefined();
    expect((await listLeads(as('cid'), { pool: true, region: 'EAST CHINA', limit: 10 })).items.map((x) => x.id)).toContain(pooled.id);
  });
});

describe('dedup and merge', () => {
  it('refuses a duplicate company, phone or email (409 naming it) unless an admin allows it; merge moves the follow-ups', async () => {
    const a = await createLead(as('cid'), fields({ company: 'Jiangnan Kettle Co., Ltd.', email: 'buyer@jiangnan.example' }));
    await addFollowUp(as('cid'), a.id, { channel: 'wechat', summary: 'First contact' });
    await expect(createLead(as('amy'), fields({ company: 'JIANGNAN KETTLE' }))).rejects.toEqual(expect.objectContaining({ extra: expect.objectContaining({ rule: 'duplicate-lead', duplicateOf: { kind: 'lead', id: a.id, field: 'company' } }) }));
    await expect(createLead(as('amy'), fields({ email: 'Buyer@Jiangnan.example' }))).rejects.toEqual(expect.objectContaining({ extra: expect.objectContaining({ duplicateOf: { kind: 'lead', id: a.id, field: 'email' } }) }));
    await expect(createLead(as('amy'), { ...fields({ company: 'Jiangnan Kettle' }), allowDuplicate: true })).rejects.toEqual(expect.objectContaining({ status: 403 }));
    const b = await createLead(boss(), { ...fields({ company: 'Jiangnan Kettle', wechat: 'jn-kettle' }), ownerId: 'cid', allowDuplicate: true });
    await addFollowUp(as('cid'), b.id, { channel: 'call', summary: 'Second contact' });
    // Changing a field to another lead's value is refused the same way.
    await expect(updateLead(as('cid'), b.id, { email: 'buyer@jiangnan.example' })).rejects.toEqual(rule('duplicate-lead'));
    const merged = await mergeLeads(as('cid'), a.id, b.id);
    expect(merged).toMatchObject({ followUpCount: 2, wechat: 'jn-kettle' });
    expect((await salesRepos(w.deps).leads.followUps(a.id, 10)).items.map((f) => f.summary).sort()).toEqual(['First contact', 'Second contact']);
    expect((await salesRepos(w.deps).leads.followUps(b.id, 10)).items).toEqual([]);
    expect(await salesRepos(w.deps).leads.get(b.id)).toMatchObject({ status: 'merged', mergedInto: a.id });
    // Merging again is no change; the duplicate's phone now points at the survivor.
    expect((await mergeLeads(as('cid'), a.id, b.id)).version).toBe(merged.version);
    await expect(createLead(as('amy'), fields({ phone: b.phone }))).rejects.toEqual(expect.objectContaining({ extra: expect.objectContaining({ duplicateOf: { kind: 'lead', id: a.id, field: 'phone' } }) }));
  });

  it('keeps other reps’ leads hidden: 404 to read, 403 to list, and the search shows only one’s own and the pool’s', async () => {
    const secret = await createLead(as('cid'), fields({ company: 'Hidden Harbour Imports' }));
    await expect(updateLead(as('amy'), secret.id, { needs: 'x' })).rejects.toEqual(expect.objectContaining({ status: 404 }));
    await expect(listLeads(as('amy'), { ownerId: 'cid', limit: 10 })).rejects.toEqual(expect.objectContaining({ status: 403 }));
    expect((await listLeads(as('amy'), { company: 'hidden harbour', limit: 10 })).items).toEqual([]);
    expect((await listLeads(as('cid'), { company: 'hidden harbour', limit: 10 })).items.map((l) => l.id)).toEqual([secret.id]);
    expect((await listLeads(boss(), { company: 'Hidden', limit: 10 })).items.map((l) => l.id)).toEqual([secret.id]);
  });
});
