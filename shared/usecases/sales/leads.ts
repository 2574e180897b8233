import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors';
import { assertChangesLead, assertSeesLead } from '../../domain/sales/access';
import { assertLeadTransition, isHeld, isOpenLead, type DisqualifyReason, type Lead, type LeadGrade, type LeadStatus } from '../../domain/sales/lead';
import { assertUnderLimit } from '../../domain/sales/pool';
import { gradeOf, type PipelineSettings } from '../../domain/sales/settings';
import { RuleViolation } from '../../domain/service/errors';
import { countMetric } from '../../runtime/observability';
import type { Page } from '../../store/leads-repo';
import { changedFields, eventItem, nowIso, salesNotification, salesRepos, settingsOf, Tx, withRetry, type SalesCtx } from './common';
import { assertRep, claimItems, claimsOf, contactRefItems, duplicateError, findDuplicates, historyItem, isRace, normalizeContact } from './lead-support';
import { chooseOwner, type OwnerChoice } from './lead-assignment';

/**
 * Leads (线索): create (by a rep, a manager, or the intake route a website form or an integration
 * posts to), change, read, list. Dedup on the company name, phone and email against leads and
 * customers answers 409 naming the duplicate unless pipeline:admin sets allowDuplicate. A new
 * lead is the creator's, a named rep's (managers), or, from intake or with `ownerId: null`,
 * handed out by the assignment rules (round-robin) or left in the public pool.
 */
/** What a caller may set on a lead: the Lead's own contact and qualification fields. */
export type LeadFields = Pick<
  Lead,
  'sourceChannel' | 'sourceRef' | 'company' | 'contactName' | 'title' | 'phone' | 'email' | 'wechat' | 'region' | 'industry' | 'companySize' | 'productLine' | 'needs' | 'grade' | 'score'
>;

export interface NewLead extends LeadFields {
  /** Absent: the creator; null: the assignment rules (then the pool); a rep: pipeline:all only. */
  ownerId?: string | null;
  allowDuplicate?: boolean;
}

function withGrade<T extends { grade?: LeadGrade; score?: number }>(l: T, s: PipelineSettings): T {
  return l.grade === undefined && l.score !== undefined ? { ...l, grade: gradeOf(l.score, s.gradeThresholds) } : l;
}

const conflictOf = (failed: { tag: string; item?: Record<string, unknown> }[]) => {
  const tags = failed.map((f) => f.tag);
  if (tags.includes('held')) return new ConflictError('held', { reason: 'held' });
  if (tags.includes('claims')) return new ConflictError('claim', { reason: 'claim' });
  return new ConflictError('race', { reason: 'race' });
};

export async function createLead(ctx: SalesCtx, input: NewLead, opts: { intake?: boolean } = {}): Promise<Lead> {
  if (input.allowDuplicate && !ctx.actor.admin) throw new ForbiddenError('allowDuplicate needs the pipeline:admin permission.');
  if (input.ownerId && input.ownerId !== ctx.actor.id && !ctx.actor.all) throw new ForbiddenError('Only managers (pipeline:all) create leads for another rep; leave ownerId out to own it yourself.');
  const s = await settingsOf(ctx);
  const { leads } = salesRepos(ctx.deps);
  const contact = normalizeContact(ctx, input);
  const { ownerId: wanted, allowDuplicate, ...fields } = input;
  const base = withGrade({ ...fields, ...(contact.phone ? { phone: contact.phone } : {}), ...(contact.email ? { email: contact.email } : {}) }, s);
  const id = ctx.deps.ids.next();
  return withRetry(
    async () => {
      const now = nowIso(ctx);
      const dups = await findDuplicates(ctx, { id, ...base });
      if (dups.length && !allowDuplicate) throw duplicateError(dups);
      const owner: OwnerChoice = opts.intake || wanted === null ? await chooseOwner(ctx, base, s) : { ownerId: wanted ?? ctx.actor.id, mode: 'create' };
      if (owner.ownerId && owner.mode !== 'rule') {
        await assertRep(ctx, owner.ownerId, 'ownerId');
        assertUnderLimit(owner.ownerId, (await leads.held([owner.ownerId])).get(owner.ownerId) ?? 0, s);
      }
      const lead: Lead = {
        id,
        status: 'new',
        ...base,
        ...(owner.ownerId ? { ownerId: owner.ownerId, ownedSince: now } : {}),
        followUpCount: 0,
        createdBy: ctx.actorId,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      const claims = claimsOf(ctx, lead);
      const taken = new Set(dups.filter((d) => d.kind === 'lead').flatMap((d) => claims.filter((c) => c.field === d.field).map((c) => `${c.kind}#${c.hash}`)));
      const tx = new Tx()
        .add('lead', ...leads.put(undefined, lead))
        .add('claims', ...claimItems(ctx, id, [], claims, taken, now))
        .add('refs', ...contactRefItems(ctx, id, undefined, lead))
        .add('history', historyItem(ctx, id, 'created', now, { note: `from ${lead.sourceChannel}` }))
        .add('event', eventItem(ctx, 'LeadCreated', { leadId: id, sourceChannel: lead.sourceChannel, ...(lead.ownerId ? { ownerId: lead.ownerId } : {}), ...(lead.region ? { region: lead.region } : {}), ...(lead.productLine ? { productLine: lead.productLine } : {}) }, now, id));
      if (lead.ownerId) {
        tx.add('held', leads.heldUpdate(lead.ownerId, 1, s.heldLeadLimit))
          .add('assigned', historyItem(ctx, id, 'assigned', now, { ownerId: lead.ownerId, ...(owner.mode === 'rule' ? { note: `assignment rule ${owner.ruleId}` } : {}) }))
          .add('assigned-event', eventItem(ctx, 'LeadAssigned', { leadId: id, ownerId: lead.ownerId, mode: owner.mode === 'rule' ? 'rule' : lead.ownerId === ctx.actor.id ? 'create' : 'manual', ...(owner.mode === 'rule' ? { ruleId: owner.ruleId } : {}) }, now, id));
        if (lead.ownerId !== ctx.actorId) tx.add('note', ctx.deps.notifications.put(salesNotification(lead.ownerId, 'assignment', `New lead: ${lead.company}`, now, `lead:${id}:assigned:${lead.ownerId}`)));
      }
      if (owner.mode === 'rule') tx.add('cursor', leads.assignmentCursorPut(owner.ruleId, owner.previous, owner.ownerId));
      // The cursor moved under us (another lead of the rule): choose again.
      try {
        await tx.run(ctx, conflictOf);
      } catch (e) {
        const reason = (e as ConflictError).extra?.reason;
        // The limit or a claim was taken between the check and the write: check again (and refuse).
        if (reason === 'held' || reason === 'claim') throw new ConflictError('race', { reason: 'race' });
        throw e;
      }
      countMetric('LeadsCreated');
      return lead;
    },
    isRace,
  );
}

export async function requireLead(ctx: SalesCtx, id: string): Promise<Lead> {
  const l = await salesRepos(ctx.deps).leads.get(id);
  if (!l) throw new NotFoundError('Lead', id);
  assertSeesLead(ctx.actor, l);
  return l;
}

export type LeadPatch = { [K in keyof LeadFields]?: LeadFields[K] | null } & {
  version?: number;
  status?: LeadStatus;
  disqualifyReason?: DisqualifyReason;
  disqualifyNote?: string;
  allowDuplicate?: boolean;
};

const REQUIRED: readonly string[] = ['company', 'sourceChannel'];

/** Changes a lead's fields or status (send the version read to be refused when it changed meanwhile). */
export async function updateLead(ctx: SalesCtx, id: string, patch: LeadPatch): Promise<Lead> {
  if (patch.allowDuplicate && !ctx.actor.admin) throw new ForbiddenError('allowDuplicate needs the pipeline:admin permission.');
  const s = await settingsOf(ctx);
  const { leads } = salesRepos(ctx.deps);
  const contact = normalizeContact(ctx, patch);
  return withRetry(async (attempt) => {
    const before = await requireLead(ctx, id);
    assertChangesLead(ctx.actor, before);
    if (patch.version !== undefined && patch.version !== before.version) throw new ConflictError(`The lead is at version ${before.version}, not ${patch.version}; read it again and retry.`, { currentVersion: before.version });
    if (!isOpenLead(before.status) && !(before.status === 'disqualified' && patch.status)) throw new RuleViolation('lead-closed', `Lead ${id} is ${before.status}; ${before.status === 'disqualified' ? 'reopen it (status contacted) first' : 'it can no longer change'}.`);
    const now = nowIso(ctx);
    const { version: _v, status, disqualifyReason, disqualifyNote, allowDuplicate, ...fields } = { ...patch, ...contact };
    let after: Lead = { ...before };
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      if (v === null) {
        if (REQUIRED.includes(k)) throw ValidationError.field(k, 'cannot be cleared');
        delete (after as unknown as Record<string, unknown>)[k];
      } else (after as unknown as Record<string, unknown>)[k] = v;
    }
    if (patch.score !== undefined && patch.grade === undefined) {
      delete after.grade;
      after = withGrade(after, s);
    }
    if (status && status !== before.status) {
      assertLeadTransition(before, status);
      after.status = status;
      if (status === 'disqualified') {
        if (!disqualifyReason) throw ValidationError.field('disqualifyReason', 'is required to disqualify a lead');
        after.disqualifyReason = disqualifyReason;
        if (disqualifyNote) after.disqualifyNote = disqualifyNote;
      } else {
        delete after.disqualifyReason;
        delete after.disqualifyNote;
      }
    } else if (disqualifyReason || disqualifyNote) throw ValidationError.field('disqualifyReason', 'goes with status disqualified');
    const changed = changedFields(before, after);
    if (changed.length === 0) return before;
    after.updatedAt = now;
    after.version = before.version + 1;
    const claimsBefore = claimsOf(ctx, before);
    const claimsAfter = claimsOf(ctx, after);
    const fresh = claimsAfter.filter((c) => !claimsBefore.some((b) => b.kind === c.kind && b.hash === c.hash));
    let taken = new Set<string>();
    if (fresh.length) {
      const dups = (await findDuplicates(ctx, after)).filter((d) => fresh.some((f) => f.field === d.field));
      if (dups.length && !allowDuplicate) throw duplicateError(dups);
      taken = new Set(dups.filter((d) => d.kind === 'lead').flatMap((d) => fresh.filter((c) => c.field === d.field).map((c) => `${c.kind}#${c.hash}`)));
    }
    const tx = new Tx().add('lead', ...leads.put(before, after)).add('claims', ...claimItems(ctx, id, claimsBefore, claimsAfter, taken, now)).add('refs', ...contactRefItems(ctx, id, before, after));
    const wasHeld = isHeld(before);
    const nowHeld = isHeld(after);
    if (wasHeld !== nowHeld && after.ownerId) tx.add('held', leads.heldUpdate(after.ownerId, nowHeld ? 1 : -1, s.heldLeadLimit));
    if (status && status !== before.status) {
      tx.add('history', historyItem(ctx, id, 'status', now, { from: before.status, to: status, ...(disqualifyReason ? { note: disqualifyReason } : {}) }));
      tx.add('status-event', eventItem(ctx, 'LeadStatusChanged', { leadId: id, from: before.status, to: status, ...(disqualifyReason ? { reason: disqualifyReason } : {}) }, now, id));
    }
    const fieldChanges = changed.filter((c) => !['status', 'disqualifyReason', 'disqualifyNote'].includes(c));
    if (fieldChanges.length) tx.add('event', eventItem(ctx, 'LeadUpdated', { leadId: id, changed: fieldChanges }, now, id));
    try {
      await tx.run(ctx, conflictOf);
    } catch (e) {
      const reason = (e as ConflictError).extra?.reason;
      if (reason === 'held') throw new RuleViolation('held-lead-limit', `Reopening would put ${after.ownerId} over the held-lead limit of ${s.heldLeadLimit}.`, { limit: s.heldLeadLimit });
      if (reason === 'claim' && attempt < 3) throw new ConflictError('race', { reason: 'race' });
      if (patch.version !== undefined && reason === 'race') throw new ConflictError('The lead was changed by someone else; read it again and retry.', { reason: 'version' });
      throw e;
    }
    return after;
  }, isRace);
}

export interface LeadQuery {
  ownerId?: string;
  status?: LeadStatus;
  pool?: boolean;
  region?: string;
  company?: string;
  limit: number;
  cursor?: string;
}

/**
 * One list per query: the public pool (optionally of a region), a company-name prefix search, a
 * rep's leads (optionally of a status; one's own, or anyone's with pipeline:all), or the leads of
 * a status across reps (pipeline:all). Every one is a Query on an index.
 */
export async function listLeads(ctx: SalesCtx, q: LeadQuery): Promise<Page<Lead>> {
  const { leads } = salesRepos(ctx.deps);
  const modes = [q.pool, q.company !== undefined].filter(Boolean).length;
  if (modes > 1 || (modes === 1 && (q.ownerId || q.status))) throw ValidationError.field('query', 'ask for one list: pool (with region), company (a name prefix), or ownerId / status');
  if (q.region !== undefined && !q.pool) throw ValidationError.field('region', 'goes with pool=true');
  if (q.pool) return leads.pool(q.region, q.limit, q.cursor);
  if (q.company !== undefined) {
    const ids = await leads.searchCompany(q.company, ctx.actor.all ? undefined : ctx.actor.id, q.limit, q.cursor);
    return { items: await leads.getMany(ids.items), ...(ids.cursor ? { cursor: ids.cursor } : {}) };
  }
  const owner = q.ownerId === 'me' ? ctx.actor.id : q.ownerId;
  if (owner && owner !== ctx.actor.id && !ctx.actor.all) throw new ForbiddenError('You may list only your own leads and the pool; other reps’ leads need pipeline:all.');
  if (!owner && q.status && ctx.actor.all) return leads.byStatus(q.status, q.limit, q.cursor);
  return leads.byOwner(owner ?? ctx.actor.id, q.status, q.limit, q.cursor);
}
