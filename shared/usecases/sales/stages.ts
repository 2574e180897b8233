import { ConflictError } from '../../domain/errors';
import { assertStageMove, newlyReached, type Opportunity, type StageMove } from '../../domain/sales/opportunity';
import { countMetric } from '../../runtime/observability';
import { eventItem, nowIso, salesRepos, settingsOf, Tx, withRetry, type SalesCtx } from './common';
import { isRace } from './lead-support';
import { counterItems, requireOpportunity } from './opportunities';

/**
 * Moving an opportunity through the stages: the target stage's requirements (and those of every
 * open stage before it) must hold (409 `stage-requirements` naming the missing fields), lost
 * needs a reason, won and lost close it (a manager may reopen). The visit of the stage it leaves
 * is closed, a new one opened; the counters move in the same transaction.
 */
export async function moveStage(ctx: SalesCtx, id: string, move: StageMove & { version?: number }): Promise<Opportunity> {
  const s = await settingsOf(ctx);
  const { opportunities } = salesRepos(ctx.deps);
  return withRetry(async () => {
    const before = await requireOpportunity(ctx, id);
    if (move.version !== undefined && move.version !== before.version) throw new ConflictError(`The opportunity is at version ${before.version}, not ${move.version}; read it again and retry.`, { currentVersion: before.version });
    const target = assertStageMove(before, s.stages, move, ctx.actor.all);
    if (target.id === before.stage && before.status === 'open' && target.kind === 'open') return before;
    const now = nowIso(ctx);
    const visitId = ctx.deps.ids.next();
    const after: Opportunity = {
      ...before,
      stage: target.id,
      status: target.kind,
      probability: target.probability,
      stageEnteredAt: now,
      stageVisitId: visitId,
      reached: [...before.reached, ...newlyReached(before, s.stages, target)],
      updatedAt: now,
      version: before.version + 1,
    };
    for (const k of ['closedAt', 'wonReason', 'lostReason', 'lostNote', 'lostTo'] as const) delete after[k];
    if (target.kind !== 'open') after.closedAt = now;
    if (target.kind === 'won' && move.reason) after.wonReason = move.reason;
    if (target.kind === 'lost') {
      after.lostReason = move.lostReason!;
      if (move.lostNote) after.lostNote = move.lostNote;
      if (move.lostTo) {
        after.lostTo = move.lostTo;
        if (!after.competitors.includes(move.lostTo)) after.competitors = [...after.competitors, move.lostTo];
      }
    }
    const tx = new Tx()
      .add('opportunity', ...opportunities.put(before, after))
      .add('visit', opportunities.visitLeave(id, before.stageVisitId, now), opportunities.visitPut({ id: visitId, opportunityId: id, stage: target.id, enteredAt: now, enteredBy: ctx.actorId, from: before.stage, ...(move.reason || move.lostReason ? { reason: move.reason ?? move.lostReason } : {}) }))
      .add('counters', ...counterItems(ctx, s, before, after))
      .add('event', eventItem(ctx, 'OpportunityStageChanged', { opportunityId: id, ownerId: after.ownerId, from: before.stage, to: target.id, probability: target.probability }, now, id));
    if (target.kind === 'won') tx.add('won', eventItem(ctx, 'OpportunityWon', { opportunityId: id, ownerId: after.ownerId, customerId: after.customerId, amountMinor: after.amountMinor ?? 0, currency: after.currency }, now, id));
    if (target.kind === 'lost') tx.add('lost', eventItem(ctx, 'OpportunityLost', { opportunityId: id, ownerId: after.ownerId, customerId: after.customerId, reason: after.lostReason!, ...(after.amountMinor !== undefined ? { amountMinor: after.amountMinor } : {}), currency: after.currency }, now, id));
    await tx.run(ctx, () => new ConflictError('The opportunity was changed by someone else; read it again and retry.', { reason: move.version === undefined ? 'race' : 'version' }));
    if (target.kind !== 'open') countMetric(target.kind === 'won' ? 'OpportunitiesWon' : 'OpportunitiesLost');
    return after;
  }, isRace);
}
