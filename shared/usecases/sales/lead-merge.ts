import { ConflictError, ValidationError } from '../../domain/errors';
import { assertChangesLead } from '../../domain/sales/access';
import { assertLeadOpen, isHeld, isOpenLead, type Lead } from '../../domain/sales/lead';
import { RuleViolation } from '../../domain/service/errors';
import { countMetric } from '../../runtime/observability';
import { eventItem, nowIso, salesRepos, Tx, withRetry, type SalesCtx } from './common';
import { claimsOf, contactRefItems, historyItem, isRace } from './lead-support';
import { requireLead } from './leads';

/**
 * Merging a duplicate lead (`sourceId`) into this one: the duplicate's follow-ups move over (in
 * chunks, each move one transaction, so a merge interrupted half way resumes when asked again),
 * then one transaction closes the duplicate as merged, fills the target's empty fields from it,
 * hands its dedup claims to the target and gives back its owner's held-lead slot.
 */
const FILLABLE = ['contactName', 'title', 'phone', 'email', 'wechat', 'region', 'industry', 'companySize', 'productLine', 'needs', 'grade', 'score'] as const;
const CHUNK = 40;

export async function mergeLeads(ctx: SalesCtx, targetId: string, sourceId: string): Promise<Lead> {
  if (targetId === sourceId) throw ValidationError.field('sourceId', 'must be another lead');
  const { leads } = salesRepos(ctx.deps);
  const target0 = await requireLead(ctx, targetId);
  assertChangesLead(ctx.actor, target0);
  assertLeadOpen(target0);
  const source0 = await requireLead(ctx, sourceId);
  if (source0.status === 'merged' && source0.mergedInto === targetId) return target0;
  assertChangesLead(ctx.actor, source0);
  if (!isOpenLead(source0.status) && source0.status !== 'disqualified') throw new RuleViolation('lead-closed', `Lead ${sourceId} is ${source0.status}; it cannot be merged.`, { status: source0.status });

  for (;;) {
    const page = await leads.followUps(sourceId, CHUNK, undefined, false);
    if (page.items.length === 0) break;
    const tx = new Tx();
    for (const f of page.items) tx.add('move', leads.followUpCopy({ ...f, leadId: targetId }), leads.followUpDelete(sourceId, f.id));
    await tx.run(ctx, () => new ConflictError('A follow-up moved meanwhile; merge again.'));
  }

  return withRetry(async () => {
    const target = await requireLead(ctx, targetId);
    const source = await requireLead(ctx, sourceId);
    if (source.status === 'merged') {
      if (source.mergedInto === targetId) return target;
      throw new RuleViolation('lead-closed', `Lead ${sourceId} was merged into ${source.mergedInto} meanwhile.`);
    }
    assertLeadOpen(target);
    const now = nowIso(ctx);
    const after: Lead = { ...target };
    const record = after as unknown as Record<string, unknown>;
    const filled: string[] = [];
    for (const k of FILLABLE) {
      if (record[k] === undefined && source[k] !== undefined) {
        record[k] = source[k];
        filled.push(k);
      }
    }
    after.followUpCount = target.followUpCount + source.followUpCount;
    if (source.lastFollowUpAt && (!target.lastFollowUpAt || source.lastFollowUpAt > target.lastFollowUpAt)) after.lastFollowUpAt = source.lastFollowUpAt;
    after.updatedAt = now;
    after.version = target.version + 1;
    const merged: Lead = { ...source, status: 'merged', mergedInto: targetId, updatedAt: now, version: source.version + 1 };
    delete merged.nextFollowUpAt;
    delete merged.nextFollowUpTaskId;
    // The target's refs follow what it was filled with; the duplicate keeps its own (it still holds its contact).
    const tx = new Tx().add('target', ...leads.put(target, after), ...contactRefItems(ctx, targetId, target, after)).add('source', ...leads.put(source, merged));
    for (const c of claimsOf(ctx, source)) {
      if ((await leads.claimHolder(c.kind, c.hash)) === sourceId) tx.add('claims', leads.claimMove(c.kind, c.hash, sourceId, targetId));
    }
    if (isHeld(source)) tx.add('held', leads.heldUpdate(source.ownerId!, -1));
    tx.add('history', historyItem(ctx, targetId, 'merged-in', now, { note: `lead ${sourceId}${filled.length ? `; filled ${filled.join(', ')}` : ''}` }), historyItem(ctx, sourceId, 'merged', now, { from: source.status, to: 'merged', note: `into lead ${targetId}` }));
    tx.add('event', eventItem(ctx, 'LeadMerged', { leadId: targetId, sourceId, followUpsMoved: source.followUpCount }, now, targetId), eventItem(ctx, 'LeadStatusChanged', { leadId: sourceId, from: source.status, to: 'merged' }, now, sourceId));
    if (filled.length) tx.add('updated', eventItem(ctx, 'LeadUpdated', { leadId: targetId, changed: filled }, now, targetId));
    await tx.run(ctx, () => new ConflictError('A lead changed meanwhile.', { reason: 'race' }));
    countMetric('LeadsMerged');
    return after;
  }, isRace);
}
