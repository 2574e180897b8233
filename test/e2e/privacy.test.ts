import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/store/client';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local';
import { startTestStack, type TestStack } from './helpers';

/**
 * Data-subject requests end to end (issue 7): a customer with an order from Shopify, an
 * interaction, a ticket with a comment and a message, and two leads of theirs in the sales
 * pipeline (one converted into them, with a follow-up; one with their email); an export holds all
 * of it; an erasure asked by Shopify's customers/redact leaves no plaintext of their email, phone
 * or name anywhere in the table, and the reports add up as before; her export file and a customer
 * CSV made before the erasure are removed (their GETs answer 410). A person who only ever was a
 * lead is exported and erased through `leadId`.
 */
let t: TestStack;
let secret: string;
const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'shopify', 'orders-create.json'), 'utf8'));
const SHOP = 'privacy-test.myshopify.com';
const EMAIL = 'dora.privacy@example.com';
const PHONE = '+8613911112222';
const NAME = 'Dora Privacyson';
let repToken = '';
const asRep = () => ({ token: repToken });

beforeAll(async () => {
  t = await startTestStack();
  secret = JSON.parse(readFileSync(t.stack.webhookSecretsFile, 'utf8')).shopify['*'][0];
  repToken = await t.stack.mintToken('manager', { sub: 'privacy-rep' });
}, 60_000);
afterAll(() => t?.stop());

function shopify(topic: string, payload: unknown, eventId: string) {
  const body = JSON.stringify(payload);
  return t.call('POST', '/v1/webhooks/shopify', {
    role: null,
    raw: body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
      'x-shopify-shop-domain': SHOP,
      'x-shopify-event-id': eventId,
      'x-shopify-webhook-id': `wh-${eventId}`,
      'x-shopify-triggered-at': new Date().toISOString(),
    },
  });
}

async function scanFor(needles: string[]): Promise<{ PK: string; SK: string; entity?: string; hit: string }[]> {
  const doc = createDocumentClient({ endpoint: t.stack.dynamoEndpoint, credentials: LOCAL_CREDENTIALS });
  const hits: { PK: string; SK: string; entity?: string; hit: string }[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(new ScanCommand({ TableName: t.stack.tableName, ...(start ? { ExclusiveStartKey: start } : {}) }));
    for (const item of res.Items ?? []) {
      const text = JSON.stringify(item).toLowerCase();
      for (const n of needles) if (text.includes(n.toLowerCase())) hits.push({ PK: item.PK, SK: item.SK, entity: item.entity, hit: n });
    }
    start = res.LastEvaluatedKey;
  } while (start);
  return hits;
}

/** The aggregates without their bookkeeping (the erasure rewrites the order item, so the projection runs again). */
const totals = ({ streamSeq: _s, version: _v, updatedAt: _u, ...rest }: Record<string, unknown>) => rest;

describe('data-subject requests', () => {
  let customerId: string;
  let before: { aggregates: unknown; tickets: unknown };
  let convertedLead: string;
  let matchingLead: string;
  let exportRequest: { id: string; url: string };

  it('sets up a customer with an order, an interaction, a ticket and a message', async () => {
    const order = { ...fixture, id: 990001, email: EMAIL, phone: PHONE, customer: { ...fixture.customer, id: 770001, email: EMAIL, phone: PHONE, first_name: 'Dora', last_name: 'Privacyson' } };
    expect((await shopify('orders/create', order, 'evt-order-1')).status).toBe(202);
    await t.stack.waitForIdle(30_000);
    const found = await t.call('GET', `/v1/customers?email=${encodeURIComponent(EMAIL)}`);
    expect(found.body.items).toHaveLength(1);
    customerId = found.body.items[0].id;
    const c = found.body.items[0];
    const patched = await t.call('PATCH', `/v1/customers/${customerId}`, { body: { version: c.version, name: NAME, birthday: '1988-02-03', consent: { email: { granted: true } } } });
    expect(patched.status).toBe(200);
    const logged = await t.call('POST', `/v1/customers/${customerId}/interactions`, { body: { channel: 'call', type: 'inquiry', summary: `${NAME} called from ${PHONE} about her parcel` } });
    expect(logged.status === 201 ? 'created' : logged.text).toBe('created');
    const ticket = await t.call('POST', '/v1/tickets', { body: { subject: `Refund for ${NAME}`, description: `Reach her at ${EMAIL}`, customerId, type: 'refund' } });
    expect(ticket.status).toBe(201);
    expect((await t.call('POST', `/v1/tickets/${ticket.body.id}/comments`, { body: { body: `Called ${PHONE}, she confirmed` } })).status).toBe(201);
    expect((await t.call('POST', '/v1/surveys', { role: 'admin', body: { kind: 'nps', campaign: 'privacy-round', customerIds: [customerId] } })).status).toBeLessThan(300);
    // The sales pipeline knew her as a lead: one converted into her profile, with a follow-up (and its task); one more with her email.
    expect((await t.call('PUT', '/v1/agents/privacy-rep', { body: { name: 'Privacy Rep' } })).status).toBe(200);
    const lead = await t.call('POST', '/v1/leads', { ...asRep(), body: { sourceChannel: 'e-commerce-inquiry', company: 'Harbour Wholesale Test', contactName: NAME, title: 'Owner', email: EMAIL, phone: PHONE, wechat: 'dora_privacyson', needs: `${NAME} wants wholesale prices`, allowDuplicate: true } });
    expect(lead.status === 201 ? 'created' : lead.text).toBe('created');
    convertedLead = lead.body.id;
    const followed = await t.call('POST', `/v1/leads/${convertedLead}/follow-ups`, { ...asRep(), body: { channel: 'call', summary: `Called ${NAME} on ${PHONE}: samples next week`, nextFollowUpAt: new Date(Date.now() + 2 * 86_400_000).toISOString() } });
    expect(followed.status === 201 ? 'followed' : followed.text).toBe('followed');
    const converted = await t.call('POST', `/v1/leads/${convertedLead}/convert`, { ...asRep(), body: { contactId: customerId, opportunity: null } });
    expect(converted.status === 200 ? converted.body.contactId : converted.text).toBe(customerId);
    const second = await t.call('POST', '/v1/leads', { ...asRep(), body: { sourceChannel: 'wechat', company: 'Side Street Kitchenware', contactName: 'Dora P.', email: EMAIL, allowDuplicate: true } });
    expect(second.status === 201 ? 'created' : second.text).toBe('created');
    matchingLead = second.body.id;
    await t.stack.waitForIdle(30_000);
    // The plaintext is there before the erasure (the scan can find it), encrypted where the profile keeps it.
    expect((await scanFor([EMAIL])).length).toBeGreaterThan(0);
    before = {
      aggregates: totals((await t.call('GET', `/v1/customers/${customerId}/360`)).body.aggregates),
      tickets: (await t.call('GET', '/v1/reports/service')).body.tickets,
    };
  });

  it('exports everything held about the customer as one JSON file, and records the download', async () => {
    const bad = await t.call('POST', '/v1/privacy-requests', { body: { kind: 'export' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('customerId');
    expect((await t.call('POST', '/v1/privacy-requests', { role: 'agent', body: { kind: 'export', customerId } })).status).toBe(403);
    expect((await t.call('POST', '/v1/privacy-requests', { body: { kind: 'export', customerId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' } })).status).toBe(404);

    const created = await t.call('POST', '/v1/privacy-requests', { body: { kind: 'export', customerId, reason: 'customer asked by e-mail' } });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ kind: 'export', status: 'received', overdue: false });
    expect(Date.parse(created.body.dueAt) - Date.parse(created.body.receivedAt)).toBe(30 * 86_400_000);
    await t.stack.waitForIdle(30_000);
    const done = await t.call('GET', `/v1/privacy-requests/${created.body.id}`);
    expect(done.body).toMatchObject({ status: 'completed', result: expect.objectContaining({ tickets: 1, timeline: expect.any(Number) }) });
    const res = await fetch(done.body.download.url);
    const text = await res.text();
    expect(res.status === 200 ? 'ok' : text).toBe('ok');
    const file = JSON.parse(text);
    expect(Object.keys(file)).toEqual(expect.arrayContaining(['profile', 'timeline', 'tickets', 'messages']));
    expect(file.profile).toMatchObject({ id: customerId, email: EMAIL, phone: PHONE, name: NAME, birthday: '1988-02-03' });
    expect(file.identities.platformIds).toEqual([expect.objectContaining({ platform: 'shopify', store: SHOP })]);
    expect(file.consents.email.granted).toBe(true);
    expect(file.timeline.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['timeline', 'order']));
    expect(file.timeline.map((e: { kind?: string }) => e.kind)).toEqual(expect.arrayContaining(['interaction', 'ticket', 'message']));
    expect(JSON.stringify(file.tickets)).toContain(`Refund for ${NAME}`);
    expect(JSON.stringify(file.tickets)).toContain(`Called ${PHONE}`);
    expect(file.leads.map((l: { lead: { id: string } }) => l.lead.id).sort()).toEqual([convertedLead, matchingLead].sort());
    expect(file.leads.find((l: { lead: { id: string } }) => l.lead.id === convertedLead)).toMatchObject({ lead: { contactName: NAME, email: EMAIL, phone: PHONE, status: 'converted' }, followUps: [expect.objectContaining({ summary: expect.stringContaining(NAME) })] });
    const trail = await t.call('GET', `/v1/audit?targetType=privacy-requests&targetId=${created.body.id}`);
    expect(trail.body.items.map((r: { kind: string }) => r.kind)).toEqual(['export', 'privacy']);
    exportRequest = { id: created.body.id, url: done.body.download.url };
  });

  it("erases on Shopify's customers/redact: no plaintext left in the table, and the reports add up", async () => {
    // A customer list CSV made before the erasure (it holds her) loses its file too.
    const csv = await t.call('POST', '/v1/exports', { body: { kind: 'customers', filter: { all: true } } });
    expect(csv.status).toBe(202);
    await t.stack.waitForIdle(30_000);
    expect((await t.call('GET', `/v1/exports/${csv.body.id}`)).body).toMatchObject({ status: 'completed', download: expect.anything() });
    const redact = { shop_id: 1, shop_domain: SHOP, customer: { id: 770001, email: EMAIL, phone: PHONE }, orders_to_redact: [990001] };
    expect((await shopify('customers/redact', redact, 'evt-redact-1')).status).toBe(202);
    await t.stack.waitForIdle(30_000);
    expect((await shopify('customers/redact', redact, 'evt-redact-1')).status).toBe(200); // the same delivery again
    await t.stack.waitForIdle(30_000);
    const done = await t.call('GET', '/v1/privacy-requests?status=completed');
    const erasure = done.body.items.find((r: { kind: string }) => r.kind === 'erasure');
    expect(erasure).toMatchObject({ customerId, source: { kind: 'platform', platform: 'shopify', store: SHOP, request: 'customer_redact' }, result: expect.objectContaining({ profile: 1, exportFiles: 1, customerExportFiles: expect.any(Number) }) });
    expect(erasure.result.customerExportFiles).toBeGreaterThanOrEqual(1);
    // Her export file and the CSV are gone: their GETs answer 410 saying why, the old link finds nothing.
    const exportGone = await t.call('GET', `/v1/privacy-requests/${exportRequest.id}`);
    expect(exportGone.status).toBe(410);
    expect(exportGone.headers.get('content-type')).toContain('application/problem+json');
    expect(exportGone.body).toMatchObject({ reason: 'erased', erasureId: erasure.id, detail: expect.stringContaining('removed by a data-subject erasure') });
    expect((await fetch(exportRequest.url)).status).toBe(404);
    const csvGone = await t.call('GET', `/v1/exports/${csv.body.id}`);
    expect(csvGone.status === 410 ? csvGone.body : csvGone.text).toMatchObject({ reason: 'erased', detail: expect.stringContaining(`The file of export ${csv.body.id}`) });
    expect(done.body.items.find((r: { id: string }) => r.id === exportRequest.id)).toMatchObject({ fileRemovedBy: erasure.id });
    expect(done.body.items.filter((r: { kind: string }) => r.kind === 'erasure')).toHaveLength(1);

    const hits = await scanFor([EMAIL, PHONE, PHONE.slice(3), NAME, 'Privacyson', 'Dora P.']);
    expect(hits).toEqual([]);
    expect(erasure.result.leads).toBeGreaterThanOrEqual(2);
    for (const id of [convertedLead, matchingLead]) {
      const l = (await t.call('GET', `/v1/leads/${id}`, asRep())).body;
      expect(l).toMatchObject({ id, erasedAt: expect.any(String) });
      for (const f of ['contactName', 'email', 'phone', 'wechat', 'needs']) expect(l).not.toHaveProperty(f);
    }
    expect((await t.call('GET', `/v1/leads/${convertedLead}`, asRep())).body).toMatchObject({ status: 'converted', company: 'Harbour Wholesale Test' });
    expect((await t.call('GET', `/v1/leads/${convertedLead}/follow-ups`, asRep())).body.items[0].summary).toBe('[erased]');

    const profile = (await t.call('GET', `/v1/customers/${customerId}`)).body;
    expect(profile).toMatchObject({ id: customerId, erasedAt: expect.any(String), platformIds: [], consent: {} });
    expect(profile).not.toHaveProperty('email');
    expect((await t.call('GET', `/v1/customers?email=${encodeURIComponent(EMAIL)}`)).body.items).toEqual([]);
    expect(totals((await t.call('GET', `/v1/customers/${customerId}/360`)).body.aggregates)).toEqual(before.aggregates);
    expect((await t.call('GET', '/v1/reports/service')).body.tickets).toEqual(before.tickets);
    expect((await t.call('POST', '/v1/privacy-requests', { body: { kind: 'export', customerId } })).status).toBe(409);
  });

  it('a person who only ever was a lead: exported and erased through leadId', async () => {
    const EVE = { name: 'Eve Onlylead', email: 'eve.onlylead@example.com', phone: '+8613722223333' };
    const lead = await t.call('POST', '/v1/leads', { ...asRep(), body: { sourceChannel: 'website-form', company: 'Prospect Works Test', contactName: EVE.name, email: EVE.email, phone: EVE.phone, needs: `${EVE.name} asked for a catalogue` } });
    expect(lead.status === 201 ? 'created' : lead.text).toBe('created');
    const leadId = lead.body.id;
    expect((await t.call('POST', `/v1/leads/${leadId}/follow-ups`, { ...asRep(), body: { channel: 'email', summary: `Sent ${EVE.name} the catalogue` } })).status).toBe(201);
    expect((await t.call('POST', '/v1/privacy-requests', { body: { kind: 'export', customerId, leadId } })).status).toBe(400);
    expect((await t.call('POST', '/v1/privacy-requests', { body: { kind: 'export', leadId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' } })).status).toBe(404);

    const exported = await t.call('POST', '/v1/privacy-requests', { body: { kind: 'export', leadId } });
    expect(exported.status === 202 ? exported.body : exported.text).toMatchObject({ kind: 'export', leadId });
    await t.stack.waitForIdle(30_000);
    const done = await t.call('GET', `/v1/privacy-requests/${exported.body.id}`);
    expect(done.body).toMatchObject({ status: 'completed', leadId, result: { leads: 1 } });
    const file = JSON.parse(await (await fetch(done.body.download.url)).text());
    expect(file.leads[0]).toMatchObject({ lead: { id: leadId, contactName: EVE.name, email: EVE.email }, followUps: [expect.objectContaining({ summary: `Sent ${EVE.name} the catalogue` })] });

    const erased = await t.call('POST', '/v1/privacy-requests', { body: { kind: 'erasure', leadId } });
    expect(erased.status).toBe(202);
    await t.stack.waitForIdle(30_000);
    expect((await t.call('GET', `/v1/privacy-requests/${erased.body.id}`)).body).toMatchObject({ status: 'completed', result: { leads: expect.any(Number), exportFiles: 1, customerExportFiles: 0 } });
    expect((await t.call('GET', `/v1/privacy-requests/${exported.body.id}`)).status).toBe(410);
    expect(await scanFor([EVE.email, EVE.phone.slice(3), EVE.name])).toEqual([]);
    expect((await t.call('GET', `/v1/leads/${leadId}`, asRep())).body).toMatchObject({ company: 'Prospect Works Test', erasedAt: expect.any(String) });
    expect((await t.call('POST', '/v1/privacy-requests', { body: { kind: 'export', leadId } })).status).toBe(409);
  });
});
