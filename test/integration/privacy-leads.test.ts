import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobStore } from '../../shared/runtime/local-blob-store';
import { PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ERASED_TEXT } from '../../shared/domain/privacy';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/domain/errors';
import { replaySubjectOf } from '../../shared/http/handler';
import { isEncrypted } from '../../shared/store/pii-cipher';
import { customerPk, leadFollowUpKey, leadIdentityKey, leadKey, leadPk, leadRefPk } from '../../shared/store/keys';
import { createCustomer } from '../../shared/usecases/customers';
import { createPrivacyRequest, runPrivacyRequest } from '../../shared/usecases/privacy/requests';
import { salesRepos, type SalesCtx } from '../../shared/usecases/sales/common';
import { convertLead } from '../../shared/usecases/sales/lead-convert';
import { addFollowUp, listFollowUps } from '../../shared/usecases/sales/lead-followups';
import { mergeLeads } from '../../shared/usecases/sales/lead-merge';
import { createLead, requireLead, updateLead } from '../../shared/usecases/sales/leads';
import { onSalesEvent, SALES_CONSUMES } from '../../shared/usecases/sales/sales-events';
import { putAgent } from '../../shared/usecases/service/admin';
import type { EventEnvelope } from '../../shared/events/envelope';
import type { CapturingPublisher } from '../support/db';
import { drainStream } from '../support/stream';
import { serviceWorld, type World } from './service-helpers';

/**
 * Leads as personal data on DynamoDB Local: what a lead keeps on disk is encrypted (contact,
 * needs, follow-up summaries) or a keyed hash (dedup claims, refs); items written before the
 * encryption still read; a customer's erasure finds their leads (converted into them, or with
 * their email or phone, duplicates included) and leaves no plaintext of them in the table; a
 * person who only ever was a lead can be exported and erased through `leadId`.
 */
let w: World;
let seen = 0;
const rep = (): SalesCtx => ({ ...w.ctx('rep-1'), actor: { id: 'rep-1', all: true, admin: true } });
const sys = () => w.ctx('system:privacy');

/** The real local blob store, in a folder of its own. */
const blobs = new LocalBlobStore(mkdtempSync(join(tmpdir(), 'crm-privacy-blobs-')));

/** The relay publishes; the sales consumer runs (a converted lead's follow-ups go onto the account's timeline). */
async function settle(): Promise<void> {
  await drainStream(w.deps as never);
  const published = ((await w.deps.publisher!()) as CapturingPublisher).events;
  const fresh: EventEnvelope[] = published.slice(seen);
  seen = published.length;
  for (const e of fresh) if ((SALES_CONSUMES as readonly string[]).includes(e.type)) await onSalesEvent(w.ctx('system:sales-pipeline'), e);
}

async function raw(pk: string): Promise<Record<string, unknown>[]> {
  const res = await w.deps.db.doc.send(new QueryCommand({ TableName: w.deps.db.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }));
  return res.Items ?? [];
}

/** Every item of the test's own table that holds one of the needles (case-folded). */
async function scanFor(needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await w.deps.db.doc.send(new ScanCommand({ TableName: w.deps.db.tableName, ...(start ? { ExclusiveStartKey: start } : {}) }));
    for (const item of res.Items ?? []) {
      const text = JSON.stringify(item).toLowerCase();
      for (const n of needles) if (text.includes(n.toLowerCase())) hits.push(`${item.PK} ${item.SK} (${item.entity}): ${n}`);
    }
    start = res.LastEvaluatedKey;
  } while (start);
  return hits;
}

async function run(input: Parameters<typeof createPrivacyRequest>[1]) {
  const r = await createPrivacyRequest(sys(), input);
  return runPrivacyRequest(sys(), blobs, r.id);
}

beforeAll(async () => {
  w = await serviceWorld('2026-05-12T02:00:00.000Z');
  await putAgent(w.ctx('admin-1'), 'rep-1', { name: 'Rep One' });
});

describe('lead items on disk', () => {
  it('hold no plaintext contact, needs or follow-up text; the API reads them back', async () => {
    const lead = await createLead(rep(), { sourceChannel: 'website-form', company: 'Disk Check Trading', contactName: 'Lin Secretly', title: 'Head buyer', email: 'Lin.Secretly@Example.com', phone: '13955556666', wechat: 'lin_wx_99', needs: 'Lin Secretly wants 50 kettles', region: 'East' });
    await addFollowUp(rep(), lead.id, { channel: 'call', summary: 'Called Lin Secretly on 13955556666', nextFollowUpAt: '2026-05-14T02:00:00.000Z' });
    const items = await raw(leadPk(lead.id));
    const text = JSON.stringify(items).toLowerCase();
    for (const plain of ['lin.secretly@example.com', 'lin secretly', '13955556666', 'lin_wx_99', 'head buyer', '50 kettles']) expect(text).not.toContain(plain);
    const item = items.find((i) => i.SK === 'LEAD')!;
    for (const f of ['contactName', 'title', 'email', 'phone', 'wechat', 'needs']) expect(isEncrypted(item[f])).toBe(true);
    expect(item.company).toBe('Disk Check Trading'); // a company is not a person: the prefix search keeps it
    expect(isEncrypted(items.find((i) => (i.SK as string).startsWith('F#'))!.summary)).toBe(true);
    // Keys and indexes hold keyed hashes only.
    const refs = items.filter((i) => (i.SK as string).startsWith('REF#'));
    expect(refs.map((i) => i.SK).sort()).toEqual(['REF#email', 'REF#phone']);
    expect(JSON.stringify(refs)).not.toContain('13955556666');
    const hash = w.deps.hash({ kind: 'email', value: 'lin.secretly@example.com' });
    expect(refs.find((i) => i.SK === 'REF#email')!.GSI1PK).toBe(leadRefPk('email', hash));
    expect((await raw(leadIdentityKey('email', hash).PK))[0]).toMatchObject({ leadId: lead.id });

    expect(await requireLead(rep(), lead.id)).toMatchObject({ contactName: 'Lin Secretly', email: 'lin.secretly@example.com', phone: '+8613955556666', wechat: 'lin_wx_99', needs: 'Lin Secretly wants 50 kettles' });
    expect((await listFollowUps(rep(), lead.id, 10)).items[0]).toMatchObject({ summary: 'Called Lin Secretly on 13955556666' });
  });

  it('reads items written in plain text before the encryption, and encrypts them at the next write', async () => {
    const id = '01JZZZZZZZZZZZZZZZZZZZZZZ0';
    const now = '2026-05-12T02:00:00.000Z';
    const table = w.deps.db.tableName;
    await w.deps.db.doc.send(new PutCommand({ TableName: table, Item: { ...leadKey(id), entity: 'lead', id, status: 'new', sourceChannel: 'import', company: 'Old Plain Co', contactName: 'Olga Plain', email: 'olga.plain@example.com', ownerId: 'rep-1', ownedSince: now, followUpCount: 1, createdBy: 'rep-1', createdAt: now, updatedAt: now, version: 1 } }));
    await w.deps.db.doc.send(new PutCommand({ TableName: table, Item: { ...leadFollowUpKey(id, '01JZZZZZZZZZZZZZZZZZZZZZZ1'), entity: 'lead-follow-up', id: '01JZZZZZZZZZZZZZZZZZZZZZZ1', leadId: id, channel: 'call', type: 'follow-up', direction: 'outbound', summary: 'Olga said maybe', occurredAt: now, authorId: 'rep-1', createdAt: now } }));
    expect(await requireLead(rep(), id)).toMatchObject({ contactName: 'Olga Plain', email: 'olga.plain@example.com' });
    expect((await listFollowUps(rep(), id, 10)).items[0]!.summary).toBe('Olga said maybe');
    await updateLead(rep(), id, { region: 'North' });
    const item = (await raw(leadPk(id))).find((i) => i.SK === 'LEAD')!;
    expect(isEncrypted(item.contactName)).toBe(true);
    expect(isEncrypted(item.email)).toBe(true);
    expect(await requireLead(rep(), id)).toMatchObject({ contactName: 'Olga Plain', region: 'North' });
  });
});

describe("a customer's erasure reaches their leads", () => {
  const EMAIL = 'mei.subject@example.com';
  const PHONE = '+8613877778888';
  let customerId = '';
  let converted = '';
  let matching = '';
  let merged = '';
  let accountId = '';

  it('sets up a customer, a lead converted into them, a duplicate with their email and one merged into it', async () => {
    customerId = (await createCustomer(w.ctx(), { name: 'Mei Subject', email: EMAIL, phone: PHONE })).id;
    const a = await createLead(rep(), { sourceChannel: 'trade-show', company: 'Harbour Kitchenware', contactName: 'Mei Subject', email: EMAIL, phone: PHONE, needs: 'Mei needs a quote', allowDuplicate: true });
    await addFollowUp(rep(), a.id, { channel: 'call', summary: `Mei Subject asked to call ${PHONE} back`, nextFollowUpAt: '2026-05-15T02:00:00.000Z' });
    const conv = await convertLead(rep(), a.id, { contactId: customerId });
    converted = a.id;
    accountId = conv.customerId;
    await settle(); // the follow-up lands on the account's timeline
    expect((await raw(customerPk(accountId))).filter((i) => JSON.stringify(i).includes('Mei Subject asked'))).toHaveLength(1);
    // A duplicate (the email claim is lead a's: this one is found by its ref), and a lead merged into it.
    matching = (await createLead(rep(), { sourceChannel: 'wechat', company: 'Another Shop', contactName: 'Mei S.', email: EMAIL, allowDuplicate: true })).id;
    merged = (await createLead(rep(), { sourceChannel: 'phone', company: 'Another Shop Ltd', contactName: 'Mei at the shop', phone: '+8613800001234', wechat: 'mei_wechat', allowDuplicate: true })).id;
    await addFollowUp(rep(), merged, { channel: 'wechat', summary: 'Mei at the shop sent a photo' });
    await mergeLeads(rep(), matching, merged);
    await settle();
    expect((await scanFor([EMAIL, PHONE.slice(3), 'Mei Subject'])).length).toBeGreaterThan(0); // the scan can find them (the timeline copy, the task)
  });

  it('exports the leads with their follow-ups', async () => {
    const done = await run({ kind: 'export', customerId });
    const file = JSON.parse((await blobs.read(done.fileKey!, 0, 10_000_000)).toString('utf8'));
    expect(done.result?.leads).toBe(3);
    const byId = new Map<string, { lead: Record<string, unknown>; followUps: { summary: string }[] }>(file.leads.map((l: { lead: { id: string } }) => [l.lead.id, l]));
    expect(byId.get(converted)).toMatchObject({ lead: { email: EMAIL, contactName: 'Mei Subject', needs: 'Mei needs a quote' }, followUps: [expect.objectContaining({ summary: `Mei Subject asked to call ${PHONE} back` })] });
    expect(byId.get(matching)).toMatchObject({ lead: { email: EMAIL, phone: '+8613800001234' } });
    expect(byId.get(matching)!.followUps.map((f) => f.summary)).toEqual(['Mei at the shop sent a photo']);
    expect(byId.get(merged)).toMatchObject({ lead: { status: 'merged', mergedInto: matching, contactName: 'Mei at the shop', wechat: 'mei_wechat' }, followUps: [] });
  });

  it('erases them: no plaintext left in the table, claims and refs released, the pipeline intact', async () => {
    const done = await run({ kind: 'erasure', customerId });
    expect(done.result).toMatchObject({ profile: 1, leads: expect.any(Number) });
    expect(done.result!.leads).toBeGreaterThanOrEqual(4);
    expect(await scanFor([EMAIL, PHONE.slice(3), 'Mei Subject', 'Mei needs', 'Mei S.', 'Mei at the shop', 'mei_wechat'])).toEqual([]);
    expect((await raw(customerPk(accountId))).find((i) => (i.SK as string).startsWith('T#'))).toMatchObject({ summary: ERASED_TEXT, data: { leadId: converted } });
    for (const id of [converted, matching, merged]) {
      const l = await requireLead(rep(), id);
      expect(l).toMatchObject({ erasedAt: expect.any(String) });
      for (const f of ['contactName', 'email', 'phone', 'wechat', 'needs']) expect(l).not.toHaveProperty(f);
    }
    expect(await requireLead(rep(), converted)).toMatchObject({ status: 'converted', company: 'Harbour Kitchenware', conversion: { customerId: accountId, contactId: customerId } });
    expect((await listFollowUps(rep(), converted, 10)).items[0]!.summary).toBe(ERASED_TEXT);
    const hash = w.deps.hash({ kind: 'email', value: EMAIL });
    expect(await raw(leadIdentityKey('email', hash).PK)).toEqual([]);
    expect(await salesRepos(w.deps).leads.idsByRef('email', hash)).toEqual([]);
    // The merged duplicate kept its own contact: found through the survivor it was merged into.
    expect(await requireLead(rep(), merged)).toMatchObject({ status: 'merged', company: 'Another Shop Ltd' });
    const shopPhone = w.deps.hash({ kind: 'phone', value: '+8613800001234' });
    expect(await salesRepos(w.deps).leads.idsByRef('phone', shopPhone)).toEqual([]);
    expect(await raw(leadIdentityKey('phone', shopPhone).PK)).toEqual([]);
    // Erasing again changes nothing.
    const again = await run({ kind: 'erasure', customerId });
    expect(again.result).toMatchObject({ leads: 0, profile: 0 });
  });
});

describe('a person who only ever was a lead', () => {
  let leadId = '';

  it('refuses a request naming neither or both, and an unknown lead', async () => {
    await expect(createPrivacyRequest(sys(), { kind: 'export' })).rejects.toThrow(ValidationError);
    await expect(createPrivacyRequest(sys(), { kind: 'export' })).rejects.toMatchObject({ issues: [expect.objectContaining({ field: 'customerId' })] });
    await expect(createPrivacyRequest(sys(), { kind: 'export', customerId: '01JZZZZZZZZZZZZZZZZZZZZZZ2', leadId: '01JZZZZZZZZZZZZZZZZZZZZZZ3' })).rejects.toMatchObject({ issues: [expect.objectContaining({ field: 'leadId' })] });
    await expect(createPrivacyRequest(sys(), { kind: 'export', leadId: '01JZZZZZZZZZZZZZZZZZZZZZZ3' })).rejects.toThrow(NotFoundError);
  });

  it('exports and erases their lead through leadId', async () => {
    const l = await createLead(rep(), { sourceChannel: 'website-form', company: 'Solo Prospects', contactName: 'Ivo Onlylead', email: 'ivo.onlylead@example.com', phone: '+8613611112222', needs: 'Ivo wants a catalogue' });
    leadId = l.id;
    // The answer to `POST /v1/leads` as the Idempotency-Key record keeps it for a retry (24 h).
    await w.deps.idempotency.claim('replay-of-ivo', 'request-hash', Date.now());
    await w.deps.idempotency.complete('replay-of-ivo', 201, JSON.stringify(l), replaySubjectOf('/v1/leads', undefined, JSON.stringify(l)));
    await addFollowUp(rep(), leadId, { channel: 'email', summary: 'Sent Ivo Onlylead the catalogue' });
    const exported = await run({ kind: 'export', leadId });
    expect(exported).toMatchObject({ leadId, result: { leads: 1 } });
    expect(exported.customerId).toBeUndefined();
    const file = JSON.parse((await blobs.read(exported.fileKey!, 0, 10_000_000)).toString('utf8'));
    expect(file.leads[0]).toMatchObject({ lead: { id: leadId, contactName: 'Ivo Onlylead', email: 'ivo.onlylead@example.com' }, followUps: [expect.objectContaining({ summary: 'Sent Ivo Onlylead the catalogue' })] });

    const erased = await run({ kind: 'erasure', leadId });
    expect(erased.result).toEqual({ leads: expect.any(Number), exportFiles: 1, customerExportFiles: 0 }); // the export file above goes too
    expect(await blobs.head(exported.fileKey!)).toBeUndefined();
    expect(await scanFor(['ivo.onlylead', '13611112222', 'Ivo Onlylead', 'Ivo wants'])).toEqual([]);
    expect(await w.deps.idempotency.claim('replay-of-ivo', 'request-hash', Date.now())).toEqual({ kind: 'claimed' });
    expect(await requireLead(rep(), leadId)).toMatchObject({ company: 'Solo Prospects', status: 'contacted', erasedAt: expect.any(String) });
    await expect(createPrivacyRequest(sys(), { kind: 'export', leadId })).rejects.toThrow(ConflictError);
  });

  it('a lead converted into a contact of its own is that customer: the request runs on the customer', async () => {
    const l = await createLead(rep(), { sourceChannel: 'referral', company: 'Referral Works', contactName: 'Uma Became', email: 'uma.became@example.com' });
    const conv = await convertLead(rep(), l.id, { opportunity: null });
    expect(conv.contactId).not.toBe(conv.customerId);
    const r = await createPrivacyRequest(sys(), { kind: 'erasure', leadId: l.id });
    expect(r).toMatchObject({ customerId: conv.contactId, leadId: l.id });
    const done = await runPrivacyRequest(sys(), blobs, r.id);
    expect(done.result).toMatchObject({ profile: 1, leads: expect.any(Number) });
    expect(await scanFor(['uma.became', 'Uma Became'])).toEqual([]);
  });
});
