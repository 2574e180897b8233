import { ConflictError, ValidationError } from '../../domain/errors';
import { normalizeEmail, normalizeName, normalizePhone, type IdentityKind } from '../../domain/identity';
import { maskEmail, maskName, maskPhone } from '../../domain/masking';
import { companyKey, type Lead } from '../../domain/sales/lead';
import { RuleViolation } from '../../domain/service/errors';
import { visiblePii, type Role } from '../../domain/roles';
import type { LeadHistoryEntry, LeadIdentityKind } from '../../store/leads-repo';
import type { TransactItem } from '../../store/transact';
import { salesRepos, type Ctx } from './common';

/** Pieces the lead use cases share: identities and their dedup claims, reps, history, masking. */

export interface LeadClaim {
  kind: LeadIdentityKind;
  hash: string;
  field: 'company' | 'phone' | 'email';
}

/** The keyed hashes of a lead's company key, phone and email (no plain value in any key). */
export function claimsOf(ctx: Ctx, l: Pick<Lead, 'company' | 'phone' | 'email'>): LeadClaim[] {
  const out: LeadClaim[] = [];
  const key = companyKey(l.company);
  // The hasher takes an identity kind; `company` is ours (the lead claims live apart from the customers').
  if (key) out.push({ kind: 'company', field: 'company', hash: ctx.deps.hash({ kind: 'company' as IdentityKind, value: key }) });
  if (l.phone) out.push({ kind: 'phone', field: 'phone', hash: ctx.deps.hash({ kind: 'phone', value: l.phone }) });
  if (l.email) out.push({ kind: 'email', field: 'email', hash: ctx.deps.hash({ kind: 'email', value: l.email }) });
  return out;
}

export interface Duplicate {
  kind: 'lead' | 'customer';
  id: string;
  field: string;
}

/**
 * Existing leads and customers this lead would duplicate: leads by the company, phone and email
 * claims; customers by their email and phone identities and by an exact (normalized) name equal to
 * the company name among accounts.
 */
export async function findDuplicates(ctx: Ctx, l: Pick<Lead, 'id' | 'company' | 'phone' | 'email'>): Promise<Duplicate[]> {
  const { leads } = salesRepos(ctx.deps);
  const out: Duplicate[] = [];
  for (const c of claimsOf(ctx, l)) {
    const holder = await leads.claimHolder(c.kind, c.hash);
    if (holder && holder !== l.id) out.push({ kind: 'lead', id: holder, field: c.field });
  }
  for (const kind of ['email', 'phone'] as const) {
    const value = l[kind];
    if (!value) continue;
    const id = await ctx.deps.customers.findIdByIdentity({ kind, value });
    if (id) out.push({ kind: 'customer', id, field: kind });
  }
  for (const id of await accountsNamed(ctx, l.company)) out.push({ kind: 'customer', id, field: 'company' });
  return out.filter((d, i) => out.findIndex((x) => x.kind === d.kind && x.id === d.id && x.field === d.field) === i);
}

/**
 * Live accounts (customers with `attributes.accountType = account`) whose name has the company's
 * dedup key: found through the customers' name index (a prefix Query on the first characters).
 */
export async function accountsNamed(ctx: Ctx, company: string): Promise<string[]> {
  const key = companyKey(company);
  const prefix = [...normalizeName(company)].slice(0, 6).join('');
  if (!key || !prefix) return [];
  const found = await ctx.deps.customers.searchByNamePrefix(prefix, 100);
  return found.items.filter((c) => c.status === 'active' && c.name && c.attributes.accountType === 'account' && companyKey(c.name) === key).map((c) => c.id);
}

export function duplicateError(dups: Duplicate[]): RuleViolation {
  const first = dups[0]!;
  return new RuleViolation('duplicate-lead', `A ${first.kind} with this ${first.field} exists already (${first.kind} ${first.id}); work on it, merge, or (pipeline:admin) set allowDuplicate.`, {
    duplicateOf: first,
    duplicates: dups,
  });
}

/**
 * Claim items for the identities `after` has and `before` had: new ones taken (only those no
 * other lead holds when duplicates are allowed), dropped ones released.
 */
export function claimItems(ctx: Ctx, leadId: string, before: LeadClaim[], after: LeadClaim[], taken: ReadonlySet<string>, at: string): TransactItem[] {
  const { leads } = salesRepos(ctx.deps);
  const key = (c: LeadClaim) => `${c.kind}#${c.hash}`;
  const had = new Set(before.map(key));
  const has = new Set(after.map(key));
  return [
    ...after.filter((c) => !had.has(key(c)) && !taken.has(key(c))).map((c) => leads.claimPut(c.kind, c.hash, leadId, at)),
    ...before.filter((c) => !has.has(key(c))).map((c) => leads.claimDelete(c.kind, c.hash, leadId)),
  ];
}

/**
 * The refs of a lead's contact (keyed hashes of its email and phone, in `REF#email` / `REF#phone`)
 * as they change from `before` to `after`: a data-subject request finds every lead of a person
 * through them, duplicates and merged leads included (the dedup claims name one lead each).
 */
export function contactRefItems(ctx: Ctx, leadId: string, before: Pick<Lead, 'phone' | 'email'> | undefined, after: Pick<Lead, 'phone' | 'email'>): TransactItem[] {
  const { leads } = salesRepos(ctx.deps);
  const out: TransactItem[] = [];
  for (const kind of ['email', 'phone'] as const) {
    const was = before?.[kind];
    const now = after[kind];
    if (was === now) continue;
    if (now) out.push(leads.refPut(leadId, kind, kind, ctx.deps.hash({ kind, value: now })));
    else out.push(leads.refDelete(leadId, kind));
  }
  return out;
}

/** Normalized contact identities, or 400 naming the field. */
export function normalizeContact(ctx: Ctx, input: { phone?: string | null; email?: string | null }): { phone?: string | null; email?: string | null } {
  const out: { phone?: string | null; email?: string | null } = {};
  if (input.phone !== undefined) {
    if (input.phone === null) out.phone = null;
    else {
      const p = normalizePhone(input.phone, ctx.deps.config.defaultPhoneRegion);
      if (!p.ok) throw ValidationError.field('phone', p.reason);
      out.phone = p.value;
    }
  }
  if (input.email !== undefined) {
    if (input.email === null) out.email = null;
    else {
      const e = normalizeEmail(input.email);
      if (!e.ok) throw ValidationError.field('email', e.reason);
      out.email = e.value;
    }
  }
  return out;
}

/**
 * A rep who may own leads: an active agent of the directory (their tasks and reminders need it).
 * Someone else named in `field` is a 400; the caller themselves a 409 telling them to be added.
 */
export async function assertRep(ctx: Ctx, repId: string, field: string): Promise<void> {
  const a = await ctx.deps.agents.getAgent(repId);
  if (a?.active) return;
  if (repId === ctx.actorId) throw new RuleViolation('rep-not-in-directory', `You (${repId}) are not an active agent of the directory; an admin adds you with PUT /v1/agents/${repId}.`);
  throw ValidationError.field(field, a ? `agent ${repId} is inactive` : `no agent ${repId} in the directory (PUT /v1/agents/${repId} first)`);
}

export function historyItem(ctx: Ctx, leadId: string, action: string, at: string, extra: Omit<LeadHistoryEntry, 'id' | 'leadId' | 'at' | 'actorId' | 'action'> = {}): TransactItem {
  return salesRepos(ctx.deps).leads.historyPut({ id: ctx.deps.ids.next(), leadId, at, actorId: ctx.actorId, action, ...extra });
}

export const isRace = (e: unknown) => e instanceof ConflictError && (e.extra as { reason?: string }).reason === 'race';

/** Leads as a caller sees them: contact name, phone, email and WeChat id masked unless their roles see that field (visiblePii). */
export function presentLead(l: Lead, roles: readonly Role[]): Lead {
  const visible = visiblePii(roles);
  return {
    ...l,
    ...(l.contactName && !visible.has('name') ? { contactName: maskName(l.contactName) } : {}),
    ...(l.phone && !visible.has('phone') ? { phone: maskPhone(l.phone) } : {}),
    ...(l.email && !visible.has('email') ? { email: maskEmail(l.email) } : {}),
    ...(l.wechat && !visible.has('phone') ? { wechat: '***' } : {}),
  };
}
