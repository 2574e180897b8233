import { startTestStack, type Api, type TestStack } from './helpers';

/**
 * The proof over HTTP on the local stack, in real time: a lead from a website form (the
 * intake route, with an integration token) is auto-assigned by the rules, followed up, left alone
 * until it returns to the pool (the setting is 1 minute here; production counts days — the unit
 * is part of the setting, no constant changes for the test), claimed by another rep, converted,
 * moved through the stages with a quote and a contract, paid in two instalments (one late:
 * flagged overdue by its timer, with a task and a notification for the owner), and read back
 * from the funnel and receivables reports.
 */
let t: TestStack;
const tok: Record<string, string> = {};
const as = (who: string) => ({ token: tok[who]! });
const ok = (res: Api, status = 200) => {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res.body;
};
async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
/** A date in Shanghai (the pipeline's report time zone), `offset` days from today. */
const shanghai = (offset = 0) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + offset * 86_400_000));

beforeAll(async () => {
  t = await startTestStack();
  tok.boss = await t.stack.mintToken('manager', { sub: 'boss' });
  tok.amy = await t.stack.mintToken('sales', { sub: 'amy' });
  tok.bob = await t.stack.mintToken('sales', { sub: 'bob' });
  tok.ana = await t.stack.mintToken('analyst', { sub: 'ana' });
  tok.site = await t.stack.mintToken('integration', { sub: 'website-forms' });
});
afterAll(async () => {
  await t?.stop();
});

describe('the sales pipeline end to end', () => {
  let leadId = '';
  let oppId = '';
  let accountId = '';
  let quoteId = '';
  let contractId = '';

  it('sets up the reps and the pipeline: a 1-minute return to the pool, an assignment rule for website leads from East China', async () => {
    for (const [id, name, managerId] of [['boss', 'Boss'], ['amy', 'Amy', 'boss'], ['bob', 'Bob', 'boss']] as const) ok(await t.call('PUT', `/v1/agents/${id}`, { body: { name, ...(managerId ? { managerId } : {}) } }));
    const current = ok(await t.call('GET', '/v1/pipeline/settings', as('amy')));
    expect(current.stages.map((s: { id: string }) => s.id)).toEqual(['qualification', 'needs-analysis', 'proposal', 'negotiation', 'won', 'lost']);
    const { version, updatedAt: _u, updatedBy: _b, ...rest } = current;
    const denied = await t.call('PUT', '/v1/pipeline/settings', { ...as('amy'), body: { ...rest, version } });
    expect(denied.status).toBe(403);
    const saved = ok(
      await t.call('PUT', '/v1/pipeline/settings', {
        ...as('boss'),
        body: { ...rest, version, heldLeadLimit: 5, returnToPoolAfter: { amount: 1, unit: 'minutes' }, reclaimCoolingOff: { amount: 10, unit: 'minutes' }, assignmentRules: [{ id: 'east-web', name: 'East China web leads', match: { regions: ['East China'], sourceChannels: ['website-form'] }, reps: ['amy'] }], companyName: 'Kettle Brand Ltd.' },
      }),
    );
    expect(saved).toMatchObject({ version: 1, returnToPoolAfter: { amount: 1, unit: 'minutes' } });
  });

  it('a website form lead is auto-assigned by the rule and followed up by its rep', async () => {
    const intake = ok(
      await t.call('POST', '/v1/lead-intake', { ...as('site'), headers: { 'idempotency-key': 'form-entry-8841' }, body: { sourceChannel: 'website-form', sourceRef: 'entry-8841', company: 'Hangzhou Kitchen Supply Co., Ltd.', contactName: 'Chen Jing', email: 'chen.jing@hz-kitchen.example', phone: '13700001111', region: 'East China', productLine: 'Kettles', needs: '300 kettles a month for 12 stores', score: 85 } }),
      201,
    );
    expect(intake).toEqual({ id: expect.any(String), status: 'new', assigned: true });
    leadId = intake.id;
    // The form's retry with the same key gets the same answer, not a second lead.
    const retry = await t.call('POST', '/v1/lead-intake', { ...as('site'), headers: { 'idempotency-key': 'form-entry-8841' }, body: { sourceChannel: 'website-form', sourceRef: 'entry-8841', company: 'Hangzhou Kitchen Supply Co., Ltd.', contactName: 'Chen Jing', email: 'chen.jing@hz-kitchen.example', phone: '13700001111', region: 'East China', productLine: 'Kettles', needs: '300 kettles a month for 12 stores', score: 85 } });
    expect(retry.body.id).toBe(leadId);
    // A second submission under another key is a duplicate of the lead.
    const dup = await t.call('POST', '/v1/lead-intake', { ...as('site'), body: { sourceChannel: 'website-form', company: 'Other name', email: 'CHEN.JING@hz-kitchen.example' } });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ rule: 'duplicate-lead', duplicateOf: { kind: 'lead', id: leadId, field: 'email' } });
    const lead = ok(await t.call('GET', `/v1/leads/${leadId}`, as('amy')));
    expect(lead).toMatchObject({ ownerId: 'amy', status: 'new', grade: 'A', phone: '+8613700001111', sourceChannel: 'website-form' });
    expect((await t.call('GET', `/v1/leads/${leadId}`, as('bob'))).status).toBe(404);
    expect(ok(await t.call('GET', `/v1/leads/${leadId}`, as('ana')))).toMatchObject({ contactName: 'C***', phone: '137****1111' });
    expect(ok(await t.call('GET', '/v1/me/notifications', as('amy'))).items.map((n: { title: string }) => n.title)).toContain('New lead: Hangzhou Kitchen Supply Co., Ltd.');

    const nextAt = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const f = ok(await t.call('POST', `/v1/leads/${leadId}/follow-ups`, { ...as('amy'), body: { channel: 'call', summary: 'Called Chen Jing: wants samples of K2 and a price for 300/month', nextFollowUpAt: nextAt } }), 201);
    expect(f.lead).toMatchObject({ status: 'contacted', followUpCount: 1, nextFollowUpAt: nextAt });
    const task = await eventually('the follow-up task', async () => ok(await t.call('GET', '/v1/me/tasks', as('amy'))).items.find((x: { links: { leadId?: string } }) => x.links.leadId === leadId));
    expect(task).toMatchObject({ title: 'Follow up lead: Hangzhou Kitchen Supply Co., Ltd.', dueAt: nextAt, status: 'open' });
  });

  it('left alone, it returns to the pool a minute after the follow-up; the former owner is told and cannot claim it back yet', async () => {
    const back = await eventually(
      'the return to the pool',
      async () => {
        const l = ok(await t.call('GET', `/v1/leads/${leadId}`, as('boss')));
        return l.ownerId ? undefined : l;
      },
      150_000,
    );
    expect(Date.parse(back.updatedAt) - Date.parse(back.lastFollowUpAt)).toBeGreaterThanOrEqual(60_000);
    expect(back.returnedFrom).toMatchObject({ ownerId: 'amy' });
    const history = ok(await t.call('GET', `/v1/leads/${leadId}/history`, as('boss')));
    expect(history.items.map((h: { action: string }) => h.action)).toEqual(['created', 'assigned', 'status', 'returned']);
    expect(history.items[3]).toMatchObject({ previousOwnerId: 'amy', note: 'returned: no follow-up for 1 minute' });
    const notes = ok(await t.call('GET', '/v1/me/notifications', as('amy')));
    expect(notes.items.map((n: { title: string }) => n.title)).toContain('Lead Hangzhou Kitchen Supply Co., Ltd. returned to the pool: no follow-up for 1 minute');
    const again = await t.call('POST', `/v1/leads/${leadId}/claim`, as('amy'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ rule: 'reclaim-cooling-off' });
  }, 180_000);

  it('another rep finds it in the pool of the region and claims it', async () => {
    const pool = ok(await t.call('GET', '/v1/leads?pool=true&region=east%20china', as('bob')));
    expect(pool.items.map((l: { id: string }) => l.id)).toContain(leadId);
    const claimed = ok(await t.call('POST', `/v1/leads/${leadId}/claim`, as('bob')));
    expect(claimed).toMatchObject({ ownerId: 'bob' });
    const steal = await t.call('POST', `/v1/leads/${leadId}/claim`, as('amy'));
    expect(steal.status).toBe(409);
    expect(ok(await t.call('GET', '/v1/leads?status=contacted', as('bob'))).items.map((l: { id: string }) => l.id)).toEqual([leadId]);
  });

  it('bob converts it: account, contact and opportunity; the follow-ups join the account’s timeline', async () => {
    const r = ok(await t.call('POST', `/v1/leads/${leadId}/convert`, { ...as('bob'), body: {} }));
    expect(r).toMatchObject({ lead: { status: 'converted' }, customerId: expect.any(String), contactId: expect.any(String), opportunityId: expect.any(String) });
    expect(r.created).toHaveLength(2);
    accountId = r.customerId;
    oppId = r.opportunityId;
    const twice = ok(await t.call('POST', `/v1/leads/${leadId}/convert`, { ...as('bob'), body: {} }));
    expect({ c: twice.customerId, o: twice.opportunityId, created: twice.created }).toEqual({ c: accountId, o: oppId, created: [] });
    expect(ok(await t.call('GET', `/v1/customers/${r.contactId}`, as('bob')))).toMatchObject({ name: 'Chen Jing', email: 'chen.jing@hz-kitchen.example', attributes: { accountType: 'contact', accountId } });
    await eventually('the follow-up on the account timeline', async () => ok(await t.call('GET', `/v1/customers/${accountId}/timeline`, as('bob'))).items.find((e: { summary: string }) => e.summary.startsWith('Called Chen Jing')));
    expect(ok(await t.call('GET', `/v1/opportunities/${oppId}`, as('bob')))).toMatchObject({ ownerId: 'bob', stage: 'qualification', probability: 10, channel: 'website-form', customerId: accountId });
    expect((await t.call('GET', `/v1/opportunities/${oppId}`, as('amy'))).status).toBe(404);
  });

  it('moves through the stages with a quote and a contract', async () => {
    ok(await t.call('POST', `/v1/opportunities/${oppId}/stage`, { ...as('bob'), body: { stage: 'needs-analysis' } }));
    const refused = await t.call('POST', `/v1/opportunities/${oppId}/stage`, { ...as('bob'), body: { stage: 'proposal' } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ rule: 'stage-requirements', missing: ['amount', 'expectedCloseDate'] });
    const opp = ok(await t.call('GET', `/v1/opportunities/${oppId}`, as('bob')));
    ok(await t.call('PATCH', `/v1/opportunities/${oppId}`, { ...as('bob'), body: { version: opp.version, amountMinor: 1_525_500, expectedCloseDate: shanghai(20), competitors: ['Brand X'] } }));
    ok(await t.call('POST', `/v1/opportunities/${oppId}/stage`, { ...as('bob'), body: { stage: 'proposal' } }));

    const bad = await t.call('POST', '/v1/quotes', { ...as('bob'), body: { opportunityId: oppId, lines: [{ name: 'Kettle K2', quantity: 50, unitPriceMinor: 30_000, discountPercent: 10, taxRatePercent: 13, totalMinor: 1_500_000 }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['lines.0.totalMinor']);
    const quote = ok(await t.call('POST', '/v1/quotes', { ...as('bob'), body: { opportunityId: oppId, lines: [{ name: 'Kettle K2', sku: 'K2', quantity: 50, unitPriceMinor: 30_000, discountPercent: 10, taxRatePercent: 13 }], totals: { totalMinor: 1_525_500 } } }), 201);
    expect(quote).toMatchObject({ status: 'draft', subtotalMinor: 1_500_000, discountMinor: 150_000, netMinor: 1_350_000, taxMinor: 175_500, totalMinor: 1_525_500, revision: 1 });
    quoteId = quote.id;
    ok(await t.call('POST', `/v1/opportunities/${oppId}/stage`, { ...as('bob'), body: { stage: 'negotiation' } }));
    ok(await t.call('POST', `/v1/quotes/${quoteId}/status`, { ...as('bob'), body: { status: 'sent' } }));
    const start = shanghai(-40);
    const accepted = ok(await t.call('POST', `/v1/quotes/${quoteId}/status`, { ...as('bob'), body: { status: 'accepted', contract: { startDate: start, endDate: shanghai(325) } } }));
    contractId = accepted.contractId;
    expect(accepted.quote).toMatchObject({ status: 'accepted', contractId });
    const contract = ok(await t.call('GET', `/v1/contracts/${contractId}`, as('bob')));
    expect(contract).toMatchObject({ status: 'draft', amountMinor: 1_525_500, ownerId: 'bob', startDate: start, parties: [{ role: 'buyer', name: 'Hangzhou Kitchen Supply Co., Ltd.' }, { role: 'seller', name: 'Kettle Brand Ltd.' }] });
    const outOfOrder = await t.call('PATCH', `/v1/contracts/${contractId}`, { ...as('bob'), body: { endDate: shanghai(-50) } });
    expect(outOfOrder.status).toBe(400);
    expect(outOfOrder.body.errors[0].field).toBe('endDate');
    ok(await t.call('POST', `/v1/contracts/${contractId}/status`, { ...as('bob'), body: { status: 'active', signedOn: start } }));
    const won = ok(await t.call('POST', `/v1/opportunities/${oppId}/stage`, { ...as('bob'), body: { stage: 'won', reason: 'Price and delivery time' } }));
    expect(won).toMatchObject({ status: 'won', probability: 100, acceptedQuoteId: quoteId });
    const stages = ok(await t.call('GET', `/v1/opportunities/${oppId}/history`, as('bob')));
    expect(stages.items.map((v: { stage: string }) => v.stage)).toEqual(['qualification', 'needs-analysis', 'proposal', 'negotiation', 'won']);
  });

  it('collects in two instalments: the first one late — flagged overdue and reminded — then both paid', async () => {
    const wrong = await t.call('PUT', `/v1/contracts/${contractId}/collection-plan`, { ...as('bob'), body: { instalments: [{ dueDate: shanghai(-10), amountMinor: 600_000 }, { dueDate: shanghai(20), amountMinor: 900_000 }] } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0]).toMatchObject({ field: 'instalments', message: expect.stringContaining('add up to the contract amount 1525500') });
    ok(await t.call('PUT', `/v1/contracts/${contractId}/collection-plan`, { ...as('bob'), body: { version: 0, instalments: [{ dueDate: shanghai(-10), amountMinor: 600_000 }, { dueDate: shanghai(20), amountMinor: 925_500 }] } }));
    const overdue = await eventually('the overdue flag', async () => {
      const p = ok(await t.call('GET', `/v1/contracts/${contractId}/collection-plan`, as('bob')));
      return p.instalments[0].overdue ? p : undefined;
    });
    expect(overdue).toMatchObject({ outstandingMinor: 1_525_500, overdueMinor: 600_000, instalments: [{ no: 1, overdue: true, daysOverdue: 10, ageBucket: '1-30' }, { no: 2, overdue: false, ageBucket: 'current' }] });
    const task = await eventually('the collection task', async () => ok(await t.call('GET', '/v1/me/tasks', as('bob'))).items.find((x: { title: string }) => x.title.startsWith('Overdue: collect 6000.00 CNY, instalment 1 of contract')));
    expect(task).toMatchObject({ priority: 'urgent', links: { customerId: accountId, opportunityId: oppId } });
    expect(ok(await t.call('GET', '/v1/me/notifications', as('bob'))).items.find((n: { kind: string }) => n.kind === 'overdue')).toMatchObject({ title: expect.stringContaining('Instalment 1 of contract') });
    expect(ok(await t.call('GET', '/v1/collections?overdue=true', as('bob'))).items).toEqual([expect.objectContaining({ contractId, no: 1, daysOverdue: 10 })]);

    const before = ok(await t.call('GET', '/v1/pipeline/reports/receivables', as('boss')));
    expect(before.byRep).toEqual([expect.objectContaining({ repId: 'bob', current: { CNY: 925_500 }, '1-30': { CNY: 600_000 }, total: { CNY: 1_525_500 } })]);

    const first = ok(await t.call('POST', `/v1/contracts/${contractId}/payments`, { ...as('bob'), body: { amountMinor: 600_000, method: 'bank-transfer', reference: 'HZ-0001' } }), 201);
    expect(first.plan.instalments[0]).toMatchObject({ status: 'paid', paidLate: true, overdue: false });
    const tooMuch = await t.call('POST', `/v1/contracts/${contractId}/payments`, { ...as('bob'), body: { amountMinor: 925_501, method: 'bank-transfer' } });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ rule: 'payment-exceeds-balance', outstandingMinor: 925_500 });
    expect(ok(await t.call('GET', '/v1/pipeline/reports/receivables', as('boss'))).byRep).toEqual([expect.objectContaining({ repId: 'bob', current: { CNY: 925_500 }, '1-30': {}, total: { CNY: 925_500 } })]);
    const second = ok(await t.call('POST', `/v1/contracts/${contractId}/payments`, { ...as('bob'), body: { amountMinor: 925_500, method: 'wechat-pay' } }), 201);
    expect(second.plan).toMatchObject({ paidMinor: 1_525_500, outstandingMinor: 0, instalments: [{ status: 'paid', paidLate: true }, { status: 'paid', paidLate: false }] });
    const after = ok(await t.call('GET', '/v1/pipeline/reports/receivables', as('ana')));
    expect(after).toMatchObject({ byRep: [], totals: { total: {} } });
  });

  it('shows up in the funnel: one deal created today, every stage reached, won by bob through the website channel', async () => {
    const today = shanghai();
    const f = ok(await t.call('GET', `/v1/pipeline/reports/funnel?from=${today}&to=${today}`, as('ana')));
    expect(f.stages.map((s: { id: string; reached: number }) => [s.id, s.reached])).toEqual([
      ['qualification', 1],
      ['needs-analysis', 1],
      ['proposal', 1],
      ['negotiation', 1],
      ['won', 1],
      ['lost', 0],
    ]);
    expect(f.stages.slice(0, 4).map((s: { conversionToNext: number }) => s.conversionToNext)).toEqual([1, 1, 1, 1]);
    expect(f.stages.every((s: { open: { count: number } }) => s.open.count === 0)).toBe(true);
    expect(f).toMatchObject({ created: 1, won: { count: 1, amount: { CNY: 1_525_500 } }, winRate: 1, byRep: [{ repId: 'bob', won: 1, lost: 0, winRate: 1, created: 1 }], byChannel: [{ channel: 'website-form', won: 1, created: 1 }] });
    const fc = ok(await t.call('GET', `/v1/pipeline/reports/forecast?from=${today.slice(0, 7)}&months=1`, as('boss')));
    expect(fc.months[0]).toMatchObject({ month: today.slice(0, 7), won: { CNY: 1_525_500 } });
    expect((await t.call('GET', '/v1/pipeline/reports/funnel', as('bob'))).status).toBe(403);
  });
});
