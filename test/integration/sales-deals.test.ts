import { DEFAULT_PIPELINE_SETTINGS } from '../../shared/domain/sales/settings';
import type { EventEnvelope } from '../../shared/events/envelope';
import type { Timer } from '../../shared/store/timers-repo';
import { putAgent } from '../../shared/usecases/service/admin';
import { syncTaskTimers } from '../../shared/usecases/service/reminders';
import { getPlan, recordPayment, setPlan } from '../../shared/usecases/sales/collections';
import { salesRepos, type SalesCtx } from '../../shared/usecases/sales/common';
import { renewContract, setContractStatus } from '../../shared/usecases/sales/contracts';
import { convertLead } from '../../shared/usecases/sales/lead-convert';
import { addFollowUp } from '../../shared/usecases/sales/lead-followups';
import { createLead } from '../../shared/usecases/sales/leads';
import { updateOpportunity } from '../../shared/usecases/sales/opportunities';
import { acceptQuote } from '../../shared/usecases/sales/quote-accept';
import { createQuote, reviseQuote, setQuoteStatus } from '../../shared/usecases/sales/quotes';
import { forecast, funnel, receivables } from '../../shared/usecases/sales/reports';
import { onSalesEvent, SALES_CONSUMES } from '../../shared/usecases/sales/sales-events';
import { putSettings } from '../../shared/usecases/sales/settings';
import { moveStage } from '../../shared/usecases/sales/stages';
import { TIMER_HANDLERS } from '../../shared/usecases/timers/handlers';
import { fireTimer } from '../../shared/usecases/timers/timers';
import type { CapturingPublisher } from '../support/db';
import { drainStream } from '../support/stream';
import { serviceWorld, type World } from './service-helpers';

/**
 * From a converted lead to money on DynamoDB Local: conversion (idempotent, also when raced),
 * stage moves and their counters, quotes with revisions accepted into a contract (once),
 * concurrent payments that never exceed the balance, the overdue and renewal timers, and the
 * reports read from the counters.
 */
const DAY = 86_400_000;
let w: World;
let seen = 0;
const as = (id: string, all = false): SalesCtx => ({ ...w.ctx(id), actor: { id, all, admin: all } });
const rule = (code: string) => expect.objectContaining({ extra: expect.objectContaining({ rule: code }) });

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
  // 10:00 in Shanghai on 12 May 2026.
  w = await serviceWorld('2026-05-12T02:00:00.000Z');
  const admin = w.ctx('admin-1');
  for (const id of ['boss', 'amy', 'bob']) await putAgent(admin, id, { name: id, ...(id !== 'boss' ? { managerId: 'boss' } : {}) });
  await putSettings(admin, { ...DEFAULT_PIPELINE_SETTINGS, companyName: 'Kettle Brand Ltd.' }, 0);
});

let oppId = '';
let accountId = '';

describe('conversion', () => {
  it('makes the account, the contact and the opportunity once, however often (and however concurrently) it is asked', async () => {
    const lead = await createLead(as('amy'), { sourceChannel: 'trade-show', company: 'Suzhou Home Goods Co.', contactName: 'Wang Fang', title: 'Buyer', email: 'wang.fang@suzhou-home.example', phone: '13912345678', region: 'East China', industry: 'retail', productLine: 'Kettles' });
    await addFollowUp(as('amy'), lead.id, { channel: 'visit', summary: 'Met at the Canton fair; 2,000 units a quarter' });
    const results = await Promise.all([0, 1, 2].map(() => convertLead(as('amy'), lead.id, {})));
    const first = results[0]!;
    for (const r of results) expect({ customerId: r.customerId, contactId: r.contactId, opportunityId: r.opportunityId }).toEqual({ customerId: first.customerId, contactId: first.contactId, opportunityId: first.opportunityId });
    expect(results.map((r) => r.created.length).sort()).toEqual([0, 0, 2]);
    const again = await convertLead(as('amy'), lead.id, {});
    expect(again.opportunityId).toBe(first.opportunityId);
    accountId = first.customerId;
    oppId = first.opportunityId!;
    const account = (await w.deps.customers.get(accountId))!;
    const contact = (await w.deps.customers.get(first.contactId))!;
    expect(account).toMatchObject({ name: 'Suzhou Home Goods Co.', sourceChannel: 'trade-show', attributes: { accountType: 'account', industry: 'retail', leadId: lead.id } });
    expect(contact).toMatchObject({ name: 'Wang Fang', email: 'wang.fang@suzhou-home.example', phone: '+8613912345678', attributes: { accountType: 'contact', accountId, jobTitle: 'Buyer' } });
    expect(await salesRepos(w.deps).opportunities.get(oppId)).toMatchObject({ customerId: accountId, contactId: contact.id, ownerId: 'amy', stage: 'qualification', channel: 'trade-show', leadId: lead.id });
    expect(await salesRepos(w.deps).leads.get(lead.id)).toMatchObject({ status: 'converted', conversion: { customerId: accountId, contactId: contact.id, opportunityId: oppId } });
    expect((await salesRepos(w.deps).leads.held(['amy'])).get('amy')).toBe(0);
    const events = (await settle()).map((e) => e.type);
    expect(events.filter((t) => t === 'LeadConverted')).toHaveLength(1);
    expect(events.filter((t) => t === 'CustomerCreated')).toHaveLength(2);
    // The follow-up joined the account's timeline.
    const timeline = await w.deps.partition.timeline(accountId, 10);
    expect(timeline.items.map((e) => e.summary)).toContain('Met at the Canton fair; 2,000 units a quarter');
  });

  it('a second lead of the same company and contact links the existing account and contact instead of new ones', async () => {
    const lead = await createLead(as('boss', true), { sourceChannel: 'phone', company: 'Suzhou Home Goods', ownerId: 'bob', allowDuplicate: true });
    const r = await convertLead(as('bob'), lead.id, { contactId: (await salesRepos(w.deps).opportunities.get(oppId))!.contactId!, opportunity: null });
    expect(r).toMatchObject({ customerId: accountId, created: [] });
    expect(r.opportunityId).toBeUndefined();
    await settle();
  });
});

describe('stages, quotes, contract, collections', () => {
  let contractId = '';

  it('moves through the stages only with what each needs', async () => {
    await expect(moveStage(as('amy'), oppId, { stage: 'proposal' })).rejects.toEqual(rule('stage-requirements'));
    await expect(moveStage(as('bob'), oppId, { stage: 'needs-analysis' })).rejects.toEqual(expect.objectContaining({ status: 404 }));
    await moveStage(as('amy'), oppId, { stage: 'needs-analysis' });
    await updateOpportunity(as('amy'), oppId, { amountMinor: 2_000_000, expectedCloseDate: '2026-06-30', competitors: ['Brand X'] });
    w.clock.advance(2 * DAY);
    const o = await moveStage(as('amy'), oppId, { stage: 'proposal' });
    expect(o).toMatchObject({ stage: 'proposal', probability: 50, reached: ['qualification', 'needs-analysis', 'proposal'] });
    await expect(updateOpportunity(as('amy'), oppId, { amountMinor: null })).rejects.toEqual(rule('stage-requirements'));
    const history = await salesRepos(w.deps).opportunities.visits(oppId, 10);
    expect(history.items.map((v) => [v.stage, !!v.leftAt])).toEqual([['qualification', true], ['needs-analysis', true], ['proposal', false]]);
  });

  it('quotes compute totals, revise into a new revision, and one acceptance makes one contract', async () => {
    const q1 = await createQuote(as('amy'), oppId, { lines: [{ name: 'Kettle K2', sku: 'K2', quantity: 100, unitPriceMinor: 20_000, discountPercent: 10, taxRatePercent: 13 }] });
    expect(q1).toMatchObject({ number: expect.stringMatching(/^Q-\d{6}$/), revision: 1, status: 'draft', subtotalMinor: 2_000_000, discountMinor: 200_000, taxMinor: 234_000, totalMinor: 2_034_000, validUntil: '2026-06-13' });
    await expect(createQuote(as('amy'), oppId, { lines: [{ name: 'K2', quantity: 1, unitPriceMinor: 100, taxRatePercent: 13, totalMinor: 112 }] })).rejects.toEqual(expect.objectContaining({ status: 400, issues: [expect.objectContaining({ field: 'lines.0.totalMinor' })] }));
    await setQuoteStatus(as('amy'), q1.id, 'sent');
    const q2 = await reviseQuote(as('amy'), q1.id, { lines: [{ name: 'Kettle K2', sku: 'K2', quantity: 100, unitPriceMinor: 20_000, discountPercent: 15, taxRatePercent: 13 }] });
    expect(q2).toMatchObject({ number: q1.number, revision: 2, supersedes: q1.id, totalMinor: 1_921_000 });
    expect(await salesRepos(w.deps).quotes.get(q1.id)).toMatchObject({ status: 'superseded', supersededBy: q2.id });
    await expect(acceptQuote(as('amy'), q1.id)).rejects.toEqual(rule('quote-superseded'));
    await expect(acceptQuote(as('amy'), q2.id)).rejects.toEqual(rule('quote-status'));
    await setQuoteStatus(as('amy'), q2.id, 'sent');
    // Two concurrent accepts of the same request (a client retrying): one contract. Both carry the
    // term: which of two racing requests wins is not defined, so they must not differ.
    const term = { contract: { startDate: '2026-05-15', endDate: '2026-06-30' } };
    const accepted = await Promise.all([acceptQuote(as('amy'), q2.id, term), acceptQuote(as('amy'), q2.id, term)]);
    expect(accepted[0].contractId).toBe(accepted[1].contractId);
    contractId = accepted[0].contractId;
    // Accepting again later, without a term, answers with that contract and changes nothing.
    expect((await acceptQuote(as('amy'), q2.id)).contractId).toBe(contractId);
    const c = (await salesRepos(w.deps).contracts.get(contractId))!;
    expect(c).toMatchObject({ status: 'draft', startDate: '2026-05-15', endDate: '2026-06-30', amountMinor: 1_921_000, quoteId: q2.id, opportunityId: oppId, ownerId: 'amy', parties: [{ role: 'buyer', name: 'Suzhou Home Goods Co.', customerId: accountId }, { role: 'seller', name: 'Kettle Brand Ltd.' }] });
    expect((await salesRepos(w.deps).opportunities.get(oppId))!.acceptedQuoteId).toBe(q2.id);
    await settle();
  });

  it('concurrent payments never exceed the balance', async () => {
    await expect(setPlan(as('amy'), contractId, { instalments: [{ dueDate: '2026-05-20', amountMinor: 1_000_000 }, { dueDate: '2026-05-18', amountMinor: 921_000 }] })).rejects.toEqual(expect.objectContaining({ status: 400 }));
    await setPlan(as('amy'), contractId, { instalments: [{ dueDate: '2026-05-13', amountMinor: 1_000_000 }, { dueDate: '2026-06-15', amountMinor: 921_000 }] });
    await expect(recordPayment(as('amy'), contractId, { amountMinor: 1, method: 'bank-transfer' })).rejects.toEqual(rule('contract-status'));
    await setContractStatus(as('amy'), contractId, 'active');
    await settle();
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => recordPayment(as('amy'), contractId, { amountMinor: 300_000, method: 'bank-transfer' })));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    expect(ok).toBe(6);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toEqual(rule('payment-exceeds-balance'));
    const plan = await getPlan(as('amy'), contractId);
    expect(plan).toMatchObject({ paidMinor: 1_800_000, outstandingMinor: 121_000 });
    expect(plan.payments).toHaveLength(6);
    expect(plan.instalments.map((i) => [i.paidMinor, i.status])).toEqual([[1_000_000, 'paid'], [800_000, 'open']]);
    await settle();
  });

  it('the instalment past its due date is flagged overdue once, with a task for the owner; receivables age it', async () => {
    // Replan: 121,000 left on a second instalment due 20 May, a third one on 30 June.
    const contract = (await salesRepos(w.deps).contracts.get(contractId))!;
    await setPlan(as('amy'), contractId, { instalments: [{ dueDate: '2026-05-13', amountMinor: 1_000_000 }, { dueDate: '2026-05-20', amountMinor: 821_000 }, { dueDate: '2026-06-30', amountMinor: contract.amountMinor - 1_821_000 }] });
    await settle();
    w.clock.set('2026-05-20T15:00:00.000Z'); // 23:00 in Shanghai on the due date: not yet
    await fireDue();
    expect((await getPlan(as('amy'), contractId)).instalments[1]).toMatchObject({ overdue: false, daysOverdue: 0, ageBucket: 'current' });
    w.clock.set('2026-05-20T16:00:00.000Z'); // midnight: overdue
    expect(await fireDue()).toContain('instalment.overdue');
    expect(await fireDue()).toEqual([]);
    const plan = await getPlan(as('amy'), contractId);
    expect(plan.instalments[1]).toMatchObject({ overdue: true, outstandingMinor: 21_000, daysOverdue: 1, ageBucket: '1-30' });
    const events = await settle();
    expect(events.filter((e) => e.type === 'InstalmentOverdue').map((e) => e.data)).toEqual([expect.objectContaining({ contractId, instalmentNo: 2, outstandingMinor: 21_000, ownerId: 'amy' })]);
    const tasks = await w.deps.tasks.ofAssignee('amy', 'active', 20);
    expect(tasks.items.find((t) => t.title.startsWith('Overdue: collect 210.00 CNY, instalment 2'))).toMatchObject({ priority: 'urgent', links: { customerId: accountId, opportunityId: oppId } });
    const r = await receivables(w.ctx());
    expect(r.byRep.find((x) => x.repId === 'amy')).toMatchObject({ '1-30': { CNY: 21_000 }, current: { CNY: 100_000 }, total: { CNY: 121_000 } });
    // Paid late: the flag clears, the instalment says so.
    const paid = await recordPayment(as('amy'), contractId, { amountMinor: 21_000, method: 'alipay', instalmentNo: 2 });
    expect(paid.plan.instalments[1]).toMatchObject({ status: 'paid', overdue: false, paidLate: true });
    expect((await receivables(w.ctx())).byRep.find((x) => x.repId === 'amy')).toMatchObject({ '1-30': {}, total: { CNY: 100_000 } });
    await settle();
  });

  it('the owner gets a renewal task 7 days before the end; the renewal, once signed, marks the contract renewed', async () => {
    w.clock.set('2026-06-23T01:00:00.000Z'); // 09:00 Shanghai, 7 days before 30 June
    expect(await fireDue()).toContain('contract.renewal');
    const tasks = await w.deps.tasks.ofAssignee('amy', 'active', 20);
    expect(tasks.items.filter((t) => t.title.startsWith('Renew contract'))).toHaveLength(1);
    // 15 May – 30 June is not whole months: the renewal runs as many days (46 after its start).
    const renewal = await renewContract(as('amy'), contractId, {});
    expect(renewal).toMatchObject({ startDate: '2026-07-01', endDate: '2026-08-16', renewalOf: contractId, status: 'draft' });
    await expect(renewContract(as('amy'), contractId, {})).rejects.toEqual(rule('already-renewed'));
    await setContractStatus(as('amy'), renewal.id, 'active');
    expect(await salesRepos(w.deps).contracts.get(contractId)).toMatchObject({ status: 'renewed', renewedBy: renewal.id });
    await settle();
  });

  it('won: the funnel and the forecast read it back from the counters', async () => {
    await moveStage(as('amy'), oppId, { stage: 'won', reason: 'Best price and delivery' });
    const f = await funnel(w.ctx(), { from: '2026-05-01', to: '2026-06-30' });
    const byId = Object.fromEntries(f.stages.map((s) => [s.id, s]));
    expect(byId.qualification).toMatchObject({ reached: 1, conversionToNext: 1 });
    expect(byId.won).toMatchObject({ reached: 1 });
    expect(byId['needs-analysis']).toMatchObject({ avgDaysInStage: 2 });
    expect(f).toMatchObject({ created: 1, won: { count: 1, amount: { CNY: 2_000_000 } }, winRate: 1, byRep: [expect.objectContaining({ repId: 'amy', won: 1, winRate: 1 })], byChannel: [expect.objectContaining({ channel: 'trade-show', won: 1, created: 1 })] });
    const fc = await forecast(w.ctx(), { from: '2026-05', months: 2 });
    expect(fc.months.find((m) => m.month === '2026-06')).toMatchObject({ weighted: {}, won: { CNY: 2_000_000 } });
    await expect(moveStage(as('amy'), oppId, { stage: 'negotiation' })).rejects.toEqual(rule('opportunity-closed'));
  });
});
