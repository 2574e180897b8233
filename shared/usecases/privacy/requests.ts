import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors';
import type { Customer } from '../../domain/customer';
import { anonymizedProfile, dueAt, type PrivacyKind, type PrivacyRequest } from '../../domain/privacy';
import type { BlobStore } from '../../runtime/blob-store';
import { noteReason } from '../../runtime/audit-context';
import { countMetric } from '../../runtime/observability';
import { messageQueue } from '../../runtime/sqs-message-queue';
import { exportFileKey } from '../../store/keys';
import { PrivacyRepo } from '../../store/privacy-repo';
import { repoOf } from '../../store/repo-of';
import { event, type Ctx } from '../customers';
import { eraseLeads, exportLeads, hasLeadPersonalData, leadChain, leadIdsOfLeadSubject, type ErasedLead } from './leads';
import { PRIVACY_SECTIONS } from './sections';
import { dropFileIfErased, exportScopeOfCustomer, rememberScope, removeExportFiles } from './files';
import { runShopErasure } from './shop-redact';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A request id made from a platform delivery's event id: the same delivery, retried, is the same request. */
export function requestIdFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest();
  return Array.from({ length: 26 }, (_, i) => CROCKFORD[h[i]! & 31]).join('');
}

export interface NewPrivacyRequest {
  id?: string;
  kind: PrivacyKind;
  /** One of the two: the customer, or a lead (a person who only ever was a lead). */
  customerId?: string;
  leadId?: string;
  reason?: string;
  source?: PrivacyRequest['source'];
  /** A deadline inherited from the request that asked for this one (a shop erasure's customers): kept when earlier than its own. */
  dueBy?: string;
}

/** Where a merged-away profile's data lives now: the profile it was merged into. */
async function subjectOf(ctx: Ctx, customerId: string): Promise<Customer> {
  let c = await ctx.deps.customers.get(customerId);
  for (let hops = 0; c?.status === 'merged' && c.mergedInto && hops < 5; hops++) c = await ctx.deps.customers.get(c.mergedInto);
  if (!c) throw new NotFoundError('Customer', customerId);
  return c;
}

/**
 * The subject a lead names: the customer it became when it was converted into a contact of its own
 * (that customer's request covers the lead), else the lead — after what it was merged into.
 */
async function leadSubject(ctx: Ctx, leadId: string): Promise<{ customer?: Customer; lead: ErasedLead }> {
  const chain = await leadChain(ctx, leadId);
  const lead = chain[chain.length - 1]!;
  const conv = chain.find((l) => l.conversion)?.conversion;
  if (conv && conv.contactId !== conv.customerId) {
    try {
      return { customer: await subjectOf(ctx, conv.contactId), lead };
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e; // the contact was purged since: the lead is what is left
    }
  }
  return { lead };
}

/** Records a request (deadline: 30 days) and queues its run; the same id again returns the first. */
export async function createPrivacyRequest(ctx: Ctx, input: NewPrivacyRequest): Promise<PrivacyRequest> {
  const repo = repoOf(ctx.deps, PrivacyRepo);
  if (input.id) {
    const prior = await repo.get(input.id);
    if (prior) return prior;
  }
  if (!input.customerId === !input.leadId) throw ValidationError.field(input.customerId ? 'leadId' : 'customerId', input.customerId ? 'name either the customer or the lead, not both' : 'is required (or leadId, for a person who only ever was a lead)');
  const fromLead = input.leadId ? await leadSubject(ctx, input.leadId) : undefined;
  const subject = input.customerId ? await subjectOf(ctx, input.customerId) : fromLead?.customer;
  if (input.kind === 'export' && subject?.erasedAt) throw new ConflictError(`Customer ${subject.id} was erased on ${subject.erasedAt}; there is nothing personal left to export.`);
  if (input.kind === 'export' && !subject && fromLead?.lead.erasedAt && !hasLeadPersonalData(fromLead.lead)) throw new ConflictError(`Lead ${fromLead.lead.id} was erased on ${fromLead.lead.erasedAt}; there is nothing personal left to export.`);
  const now = ctx.deps.clock.now().toISOString();
  const r: PrivacyRequest = {
    id: input.id ?? ctx.deps.ids.next(),
    kind: input.kind,
    ...(subject ? { customerId: subject.id } : {}),
    ...(input.leadId ? { leadId: input.leadId } : {}),
    status: 'received',
    source: input.source ?? { kind: 'api' },
    ...(input.reason ? { reason: input.reason } : {}),
    requestedBy: ctx.actorId,
    receivedAt: now,
    dueAt: input.dueBy && input.dueBy < dueAt(now) ? input.dueBy : dueAt(now),
    attempts: 0,
    updatedAt: now,
  };
  if (input.reason) noteReason(input.reason);
  try {
    await repo.put(r);
  } catch (e) {
    if (e instanceof ConflictError && input.id) return (await repo.get(input.id))!;
    throw e;
  }
  await messageQueue(ctx.deps).send('privacy', JSON.stringify({ requestId: r.id }));
  countMetric(input.kind === 'export' ? 'PrivacyExportsRequested' : 'PrivacyErasuresRequested');
  return r;
}

/**
 * Runs one request (the privacy worker, at least once): an export writes one JSON file with every
 * section; an erasure blanks every section and then anonymizes the profile (identities released,
 * so the person can be recognized no more). A request about a person who only ever was a lead
 * exports or erases their leads. Both are idempotent: a retried run redoes the same.
 */
export async function runPrivacyRequest(ctx: Ctx, blobs: BlobStore, id: string): Promise<PrivacyRequest> {
  const repo = repoOf(ctx.deps, PrivacyRepo);
  const r = await repo.get(id);
  if (!r) throw new NotFoundError('Privacy request', id);
  if (r.status === 'completed') return r;
  if (r.kind === 'shop-erasure') return runShopErasure(ctx, r); // Shopify's shop/redact: a walk over the store's customers (./shop-redact.ts)
  const started = ctx.deps.clock.now().toISOString();
  const running: PrivacyRequest = { ...r, status: 'running', startedAt: r.startedAt ?? started, attempts: r.attempts + 1, updatedAt: started };
  await repo.put(running, r.updatedAt);
  let state = running;
  try {
    const result: Record<string, number> = {};
    const data: Record<string, unknown> = { request: { id: r.id, receivedAt: r.receivedAt }, generatedAt: started };
    if (r.customerId) {
      const customer = await subjectOf(ctx, r.customerId);
      // A request made for a lead that became this customer: that lead (and what it was merged into) is theirs too.
      const hints = r.leadId ? { leadIds: (await leadChain(ctx, r.leadId).catch((e) => (e instanceof NotFoundError ? [] : Promise.reject(e)))).map((l) => l.id) } : {};
      if (r.kind === 'export') {
        Object.assign(data, { profile: customer, consents: customer.consent, identities: { email: customer.email, phone: customer.phone, externalId: customer.externalId, platformIds: customer.platformIds } });
        for (const s of PRIVACY_SECTIONS) {
          const items = await s.export(ctx, customer, hints);
          data[s.name] = items;
          result[s.name] = items.length;
        }
      } else {
        const files = await exportScopeOfCustomer(ctx, r.id, customer, hints); // before the leads lose the refs that find them
        for (const s of PRIVACY_SECTIONS) result[s.name] = await s.erase(ctx, customer, hints);
        result.profile = await eraseProfile(ctx, customer.id);
        Object.assign(result, await removeExportFiles(ctx, blobs, r.id, files)); // after: see ./files.ts
      }
    } else {
      // A person who only ever was a lead: their leads (the one named, what it was merged into, the others with their email or phone).
      const ids = await leadIdsOfLeadSubject(ctx, r.leadId!);
      if (r.kind === 'export') {
        const items = await exportLeads(ctx, ids);
        data.leads = items;
        result.leads = items.length;
      } else {
        const files = await rememberScope(ctx, r.id, { customerIds: [], leadIds: ids });
        result.leads = await eraseLeads(ctx, ids);
        Object.assign(result, await removeExportFiles(ctx, blobs, r.id, files));
      }
    }
    if (r.kind === 'export' && !r.fileRemovedBy) {
      // (An erasure of the person ran while this export was running: it leaves no file.)
      const key = exportFileKey(r.id); // the request id is unique among export job ids too (both ULIDs)
      await blobs.put(key, Buffer.from(JSON.stringify(data, null, 2), 'utf8'), 'application/json');
      state = { ...state, fileKey: key };
    }
    const done: PrivacyRequest = { ...state, status: 'completed', completedAt: ctx.deps.clock.now().toISOString(), result, updatedAt: ctx.deps.clock.now().toISOString() };
    await repo.put(done, running.updatedAt);
    countMetric(r.kind === 'export' ? 'PrivacyExportsCompleted' : 'PrivacyErasuresCompleted');
    return done;
  } catch (err) {
    const failed: PrivacyRequest = { ...state, status: 'running', error: (err as Error).message.slice(0, 500), updatedAt: ctx.deps.clock.now().toISOString() };
    await repo.put(failed, running.updatedAt).catch(() => undefined);
    if (state.fileKey) await dropFileIfErased(ctx, blobs, r.id, state.fileKey).catch(() => undefined);
    throw err;
  }
}

/** The profile anonymized through the normal write path (identity claims released, name index dropped). */
async function eraseProfile(ctx: Ctx, id: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const current = await ctx.deps.customers.require(id);
    if (current.erasedAt) return 0;
    const now = ctx.deps.clock.now().toISOString();
    const next = anonymizedProfile(current, now);
    try {
      await ctx.deps.customers.replace(current, next, event(ctx, 'CustomerUpdated', { customerId: id, changed: ['erased'] }, now), current.status);
      return 1;
    } catch (e) {
      if (e instanceof ConflictError && attempt < 5) continue;
      throw e;
    }
  }
}
