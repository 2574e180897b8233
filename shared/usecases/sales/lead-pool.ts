import { ConflictError, NotFoundError } from '../../domain/errors';
import { assertChangesLead } from '../../domain/sales/access';
import { assertLeadOpen, isHeld, type Lead } from '../../domain/sales/lead';
import { assertClaimable, assertUnderLimit, poolReturnDue, returnReason, shouldReturnToPool } from '../../domain/sales/pool';
import { describeDuration, durationMs, type PipelineSettings } from '../../domain/sales/settings';
import { RuleViolation } from '../../domain/service/errors';
import type { Task } from '../../domain/service/tasks';
import { countMetric } from '../../runtime/observability';
import type { TransactItem } from '../../store/transact';
import { eventItem, nowIso, salesNotification, salesRepos, settingsOf, Tx, withRetry, type Ctx, type SalesCtx } from './common';
import { assertRep, historyItem, isRace } from './lead-support';

/**
 * The public pool (公海): claim (held-lead limit enforced atomically by the rep's counter in the
 * claim's transaction), release, a manager's assignment, and the automatic return of a lead
 * nobody followed up (a timer per lead, reset by every follow-up; it checks again when it fires).
 */
const raceOrHeld = (failed: { tag: string }[]) => (failed.some((f) => f.tag === 'held') ? new ConflictError('held', { reason: 'held' }) : new ConflictError('race', { reason: 'race' }));

async function load(ctx: Ctx, id: string): Promise<Lead> {
  const l = await salesRepos(ctx.deps).leads.get(id);
  if (!l) throw new NotFoundError('Lead', id);
  return l;
}

/** Closes the owner's open follow-up task when the lead leaves them (it is no longer theirs to do). */
async function closeFollowUpTask(ctx: Ctx, l: Lead, outcome: string, now: string): Promise<TransactItem[]> {
  if (!l.nextFollowUpTaskId) return [];
  const t = await ctx.deps.tasks.get(l.nextFollowUpTaskId);
  if (!t || t.status === 'done') return [];
  const after: Task = { ...t, status: 'done', completedAt: now, completedBy: ctx.actorId, outcome, updatedAt: now, version: t.version + 1 };
  return [
    ctx.deps.tasks.put(t, after),
    eventItem(ctx, 'TaskUpdated', { taskId: t.id, assigneeId: t.assigneeId, changed: ['status', 'completedAt', 'completedBy', 'outcome'], status: 'done' }, now, t.id),
  ];
}

/**
 * Claims a lead of the pool. 409 when it is closed, another rep's (`lead-owned`), within the
 * former owner's cooling-off, or the rep is at the held-lead limit — even under concurrent claims,
 * since the rep's counter is conditioned in the same transaction as the lead.
 */
export async function claimLead(ctx: SalesCtx, id: string): Promise<Lead> {
  const s = await settingsOf(ctx);
  const { leads } = salesRepos(ctx.deps);
  const rep = ctx.actor.id;
  await assertRep(ctx, rep, 'ownerId');
  return withRetry(async () => {
    const before = await load(ctx, id);
    const now = nowIso(ctx);
    const held = (await leads.held([rep])).get(rep) ?? 0;
    if (assertClaimable(before, rep, held, s, Date.parse(now)) === 'already-owner') return before;
    const after: Lead = { ...before, ownerId: rep, ownedSince: now, updatedAt: now, version: before.version + 1 };
    const tx = new Tx()
      .add('lead', ...leads.put(before, after))
      .add('held', leads.heldUpdate(rep, 1, s.heldLeadLimit))
      .add('history', historyItem(ctx, id, 'claimed', now, { ownerId: rep }))
      .add('event', eventItem(ctx, 'LeadAssigned', { leadId: id, ownerId: rep, mode: 'claim' }, now, id));
    try {
      await tx.run(ctx, raceOrHeld);
    } catch (e) {
      if ((e as ConflictError).extra?.reason === 'held') throw new RuleViolation('held-lead-limit', `${rep} already holds ${s.heldLeadLimit} open leads, the limit; release or convert some first.`, { limit: s.heldLeadLimit });
      throw e;
    }
    countMetric('LeadsClaimed');
    return after;
  }, isRace);
}

function toPool(ctx: Ctx, before: Lead, s: PipelineSettings, now: string, reason: 'released' | 'no-follow-up', note?: string): { after: Lead; tx: Tx } {
  const { leads } = salesRepos(ctx.deps);
  const formerOwner = before.ownerId!;
  const cooling = durationMs(s.reclaimCoolingOff);
  const { ownerId: _o, ownedSince: _s, nextFollowUpAt: _n, nextFollowUpTaskId: _t, ...rest } = before;
  const after: Lead = {
    ...rest,
    ...(cooling > 0 ? { returnedFrom: { ownerId: formerOwner, at: now, until: new Date(Date.parse(now) + cooling).toISOString() } } : {}),
    updatedAt: now,
    version: before.version + 1,
  };
  if (cooling === 0) delete after.returnedFrom;
  const tx = new Tx()
    .add('lead', ...leads.put(before, after))
    .add('held', leads.heldUpdate(formerOwner, -1))
    .add('history', historyItem(ctx, before.id, reason === 'released' ? 'released' : 'returned', now, { previousOwnerId: formerOwner, ...(note ? { note } : {}) }))
    .add('event', eventItem(ctx, 'LeadReturnedToPool', { leadId: before.id, previousOwnerId: formerOwner, reason }, now, before.id));
  return { after, tx };
}

/** The owner (or a manager) gives a lead back to the pool. */
export async function releaseLead(ctx: SalesCtx, id: string, note?: string): Promise<Lead> {
  const s = await settingsOf(ctx);
  return withRetry(async () => {
    const before = await load(ctx, id);
    assertChangesLead(ctx.actor, before);
    assertLeadOpen(before);
    const now = nowIso(ctx);
    const { after, tx } = toPool(ctx, before, s, now, 'released', note);
    tx.add('task', ...(await closeFollowUpTask(ctx, before, 'Lead released to the pool', now)));
    await tx.run(ctx, raceOrHeld);
    countMetric('LeadsReleased');
    return after;
  }, isRace);
}

/** A manager hands a lead (from the pool or another rep) to a rep, within the rep's held-lead limit. */
export async function assignLead(ctx: SalesCtx, id: string, ownerId: string): Promise<Lead> {
  const s = await settingsOf(ctx);
  const { leads } = salesRepos(ctx.deps);
  await assertRep(ctx, ownerId, 'ownerId');
  return withRetry(async () => {
    const before = await load(ctx, id);
    assertLeadOpen(before);
    if (before.ownerId === ownerId) return before;
    assertUnderLimit(ownerId, (await leads.held([ownerId])).get(ownerId) ?? 0, s);
    const now = nowIso(ctx);
    const after: Lead = { ...before, ownerId, ownedSince: now, updatedAt: now, version: before.version + 1 };
    delete after.nextFollowUpAt;
    delete after.nextFollowUpTaskId;
    const tx = new Tx()
      .add('lead', ...leads.put(before, after))
      .add('held', leads.heldUpdate(ownerId, 1, s.heldLeadLimit))
      .add('held-before', before.ownerId ? leads.heldUpdate(before.ownerId, -1) : undefined)
      .add('history', historyItem(ctx, id, 'assigned', now, { ownerId, ...(before.ownerId ? { previousOwnerId: before.ownerId } : {}) }))
      .add('event', eventItem(ctx, 'LeadAssigned', { leadId: id, ownerId, mode: 'manual', ...(before.ownerId ? { previousOwnerId: before.ownerId } : {}) }, now, id))
      .add('task', ...(await closeFollowUpTask(ctx, before, `Lead reassigned to ${ownerId}`, now)));
    if (ownerId !== ctx.actorId) tx.add('note', ctx.deps.notifications.put(salesNotification(ownerId, 'assignment', `Lead assigned to you: ${before.company}`, now, `lead:${id}:assigned:${ownerId}:${after.version}`)));
    try {
      await tx.run(ctx, raceOrHeld);
    } catch (e) {
      if ((e as ConflictError).extra?.reason === 'held') throw new RuleViolation('held-lead-limit', `${ownerId} is at the held-lead limit of ${s.heldLeadLimit}.`, { limit: s.heldLeadLimit });
      throw e;
    }
    return after;
  }, isRace);
}

export const POOL_RETURN_TIMER = 'lead.pool-return';

/** The return timer of a lead as it is now (none when it is not held). */
export function poolReturnTimer(l: Lead, s: PipelineSettings) {
  const due = poolReturnDue(l, s);
  return due === undefined ? undefined : { kind: POOL_RETURN_TIMER, key: l.id, dueAt: new Date(due).toISOString(), payload: { leadId: l.id, ownerId: l.ownerId } };
}

/**
 * A return timer fired: if the lead is still held and its owner's time without a follow-up is
 * over (by the settings now), it goes back to the pool with history "returned: no follow-up for
 * N days", and the former owner is told. Otherwise nothing (a follow-up moved the deadline; the
 * timer set then will fire) — or, when the deadline moved later, `rearm` says when.
 */
export async function returnIfNotFollowedUp(ctx: Ctx, leadId: string): Promise<{ returned: boolean; rearmAt?: string }> {
  const s = await settingsOf(ctx);
  return withRetry(async () => {
    const before = await salesRepos(ctx.deps).leads.get(leadId);
    if (!before || !isHeld(before)) return { returned: false };
    const now = nowIso(ctx);
    if (!shouldReturnToPool(before, s, Date.parse(now))) return { returned: false, rearmAt: new Date(poolReturnDue(before, s)!).toISOString() };
    const reason = returnReason(s);
    const { tx } = toPool(ctx, before, s, now, 'no-follow-up', reason);
    tx.add('task', ...(await closeFollowUpTask(ctx, before, reason, now)));
    tx.add('note', ctx.deps.notifications.put(salesNotification(before.ownerId!, 'reminder', `Lead ${before.company} returned to the pool: no follow-up for ${describeDuration(s.returnToPoolAfter)}`, now, `lead:${leadId}:returned:${before.version}`)));
    await tx.run(ctx, raceOrHeld);
    countMetric('LeadsReturnedToPool');
    return { returned: true };
  }, isRace);
}
