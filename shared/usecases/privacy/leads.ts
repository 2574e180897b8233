import type { Customer } from '../../domain/customer';
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { Lead } from '../../domain/sales/lead';
import { LEAD_PII_FIELDS } from '../../store/lead-pii';
import { LeadsRepo, type LeadFollowUp, type LeadHistoryEntry } from '../../store/leads-repo';
import { customerPk, idempotencyLeadPk, LEAD_PREFIX, leadPk, SK, taskKey } from '../../store/keys';
import { repoOf } from '../../store/repo-of';
import { eventItem, Tx, withRetry } from '../sales/common';
import { claimsOf, historyItem, isRace } from '../sales/lead-support';
import type { Ctx } from '../customers';
import { queryAll } from '../../store/query-all';
import { deleteAll, partitionOf, scrubAll } from './raw-items';

/**
 * Leads as personal data (issue 7 over the sales pipeline). A person's leads are found through
 * refs, never a scan: the customers a conversion linked (`REF#account` / `REF#contact`, and the
 * `leadId` attribute of profiles a conversion created), and the keyed hashes of their email and
 * phone (`REF#email` / `REF#phone` of every lead, and the dedup claims of leads written before the
 * refs existed). An export lists each lead with its follow-ups and history; an erasure removes the
 * contact (name, title, phone, email, WeChat id), the needs and the disqualification note, releases
 * the lead's email and phone claims and refs, and blanks the follow-ups' summaries, the follow-up
 * tasks' descriptions and outcomes and the copies of the follow-ups on the timelines of the
 * customers it became. The company, status, owner, dates and conversion stay: the pipeline's
 * reports still add up, and a company is not a person.
 */
export type ErasedLead = Lead & { erasedAt?: string };

export const hasLeadPersonalData = (l: Lead): boolean => LEAD_PII_FIELDS.some((f) => (l as unknown as Record<string, unknown>)[f] !== undefined);

/** The lead an erasure leaves: contact, needs and note gone, marked erased (a new version). */
export function anonymizedLead(l: Lead, now: string): ErasedLead {
  const out = { ...l } as unknown as Record<string, unknown>;
  for (const f of LEAD_PII_FIELDS) delete out[f];
  return { ...(out as unknown as Lead), erasedAt: now, updatedAt: now, version: l.version + 1 };
}

const leadsOf = (ctx: Ctx) => repoOf(ctx.deps, LeadsRepo);
const unique = (ids: readonly (string | undefined)[]) => [...new Set(ids.filter((i): i is string => typeof i === 'string' && i.length > 0))];

/** Leads whose contact has this email or phone (keyed hashes: every lead's refs, and the dedup claim's holder). */
export async function leadIdsByContact(ctx: Ctx, contact: { email?: string; phone?: string }): Promise<string[]> {
  const leads = leadsOf(ctx);
  const ids: string[] = [];
  for (const kind of ['email', 'phone'] as const) {
    const value = contact[kind];
    if (!value) continue;
    const hash = ctx.deps.hash({ kind, value });
    ids.push(...(await leads.idsByRef(kind, hash)));
    const holder = await leads.claimHolder(kind, hash);
    if (holder) ids.push(holder);
  }
  return unique(ids);
}

/** The ids and, transitively, the duplicates merged into them (`REF#merged`: a merged lead keeps its own contact). */
export async function withMergedIn(ctx: Ctx, ids: readonly string[]): Promise<string[]> {
  const leads = leadsOf(ctx);
  const out = unique(ids);
  for (let i = 0; i < out.length && out.length < 1000; i++) for (const src of await leads.idsByRef('lead', out[i]!)) if (!out.includes(src)) out.push(src);
  return out;
}

/** The leads of a customer: converted into them (or into a profile merged into them), or with their email or phone, and the duplicates merged into those. */
export async function leadIdsOfCustomer(ctx: Ctx, c: Customer): Promise<string[]> {
  const leads = leadsOf(ctx);
  const profiles = [c.id, ...(await ctx.deps.merges.listForTarget(c.id, 100)).map((m) => m.sourceId)];
  const ids: (string | undefined)[] = [];
  for (const id of unique(profiles)) ids.push(...(await leads.idsByRef('customer', id)));
  const fromAttr = c.attributes?.leadId;
  if (typeof fromAttr === 'string') ids.push(fromAttr);
  ids.push(...(await leadIdsByContact(ctx, { ...(c.email ? { email: c.email } : {}), ...(c.phone ? { phone: c.phone } : {}) })));
  return withMergedIn(ctx, unique(ids));
}

/** A lead and the leads it was merged into, in order (404 when the first is unknown). */
export async function leadChain(ctx: Ctx, leadId: string): Promise<Lead[]> {
  const leads = leadsOf(ctx);
  const first = await leads.get(leadId);
  if (!first) throw new NotFoundError('Lead', leadId);
  const chain = [first];
  for (let l = first; l.status === 'merged' && l.mergedInto && chain.length < 6; ) {
    const next = await leads.get(l.mergedInto);
    if (!next || chain.some((x) => x.id === next.id)) break;
    chain.push((l = next));
  }
  return chain;
}

/**
 * Every lead of the person a lead names: the lead, what it was merged into, the leads with the same
 * email or phone, and the duplicates merged into any of them. The chain comes last: its contact
 * is what finds the others, so a retried erasure still finds them.
 */
export async function leadIdsOfLeadSubject(ctx: Ctx, leadId: string): Promise<string[]> {
  const chain = await leadChain(ctx, leadId);
  const matches: string[] = [];
  for (const l of chain) matches.push(...(await leadIdsByContact(ctx, { ...(l.email ? { email: l.email } : {}), ...(l.phone ? { phone: l.phone } : {}) })));
  const chainIds = chain.map((l) => l.id);
  const all = await withMergedIn(ctx, [...chainIds, ...matches]);
  return [...all.filter((id) => !chainIds.includes(id)), ...chainIds];
}

async function all<T>(fetch: (cursor?: string) => Promise<{ items: T[]; cursor?: string }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/** Each lead decrypted, with its follow-ups and history (for an export file). */
export async function exportLeads(ctx: Ctx, ids: readonly string[]): Promise<{ lead: Lead; followUps: LeadFollowUp[]; history: LeadHistoryEntry[] }[]> {
  const leads = leadsOf(ctx);
  const out: { lead: Lead; followUps: LeadFollowUp[]; history: LeadHistoryEntry[] }[] = [];
  for (const lead of await leads.getMany(ids)) {
    out.push({ lead, followUps: await all((c) => leads.followUps(lead.id, 100, c, false)), history: await all((c) => leads.history(lead.id, 100, c)) });
  }
  return out;
}

/** The follow-ups a converted lead's consumer copied onto a customer's timeline (the profile holding them now). */
async function timelineCopies(ctx: Ctx, customerId: string, leadId: string): Promise<Record<string, unknown>[]> {
  let c = await ctx.deps.customers.get(customerId);
  for (let hops = 0; c?.status === 'merged' && c.mergedInto && hops < 5; hops++) c = await ctx.deps.customers.get(c.mergedInto);
  if (!c) return [];
  return queryAll(ctx.deps.db, {
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :t)',
    FilterExpression: '#d.leadId = :l',
    ExpressionAttributeNames: { '#d': 'data' },
    ExpressionAttributeValues: { ':pk': customerPk(c.id), ':t': SK.timelinePrefix, ':l': leadId },
    ConsistentRead: true,
  });
}

/** The lead itself anonymized, its email and phone claims and refs released, in one transaction (a version race: read again). */
async function anonymize(ctx: Ctx, id: string): Promise<number> {
  const leads = leadsOf(ctx);
  return withRetry(async () => {
    const before = (await leads.get(id)) as ErasedLead | undefined;
    if (!before || (before.erasedAt && !hasLeadPersonalData(before))) return 0;
    const now = ctx.deps.clock.now().toISOString();
    const after = anonymizedLead(before, now);
    const tx = new Tx().add('lead', ...leads.put(before, after)).add('refs', leads.refDelete(id, 'email'), leads.refDelete(id, 'phone'));
    for (const c of claimsOf(ctx, before)) if (c.kind !== 'company' && (await leads.claimHolder(c.kind, c.hash)) === id) tx.add('claims', leads.claimDelete(c.kind, c.hash, id));
    tx.add('history', historyItem(ctx, id, 'erased', now, { note: 'personal data erased (data-subject request)' }));
    tx.add('event', eventItem(ctx, 'LeadUpdated', { leadId: id, changed: ['erased', ...LEAD_PII_FIELDS.filter((f) => before[f] !== undefined)] }, now, id));
    await tx.run(ctx, () => new ConflictError('The lead changed meanwhile.', { reason: 'race' }));
    return 1;
  }, isRace);
}

/**
 * Erases one lead (idempotent: a retried run changes nothing more). The blanking of its
 * follow-ups, tasks and timeline copies comes first, the lead last: a run interrupted half way
 * still finds the lead (and its contact) when retried. Returns how many items it changed.
 */
export async function eraseLead(ctx: Ctx, id: string): Promise<number> {
  const lead = await leadsOf(ctx).get(id);
  if (!lead) return 0;
  const followUps = await queryAll(ctx.deps.db, { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :f)', ExpressionAttributeValues: { ':pk': leadPk(id), ':f': LEAD_PREFIX.followUp }, ConsistentRead: true });
  let n = await scrubAll(ctx, followUps);
  for (const taskId of unique([...followUps.map((f) => f.taskId as string | undefined), lead.nextFollowUpTaskId])) n += await scrubAll(ctx, await partitionOf(ctx.deps.db, taskKey(taskId).PK));
  if (lead.conversion) for (const cid of unique([lead.conversion.customerId, lead.conversion.contactId])) n += await scrubAll(ctx, await timelineCopies(ctx, cid, id));
  // Replay copies of answers about the lead (Idempotency-Key records, 24 h) carry its contact in clear.
  const replays = await queryAll(ctx.deps.db, { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': idempotencyLeadPk(id) } });
  await deleteAll(ctx.deps.db, replays as { PK: string; SK: string }[]);
  return n + replays.length + (await anonymize(ctx, id));
}

export async function eraseLeads(ctx: Ctx, ids: readonly string[]): Promise<number> {
  let n = 0;
  for (const id of ids) n += await eraseLead(ctx, id);
  return n;
}
