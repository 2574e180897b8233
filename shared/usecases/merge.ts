import { planMerge, revertMerge, type Customer } from '../domain/customer';
import { ConflictError, ValidationError } from '../domain/errors';
import type { MergeRecord } from '../store/merge-repo';
import { countMetric } from '../runtime/observability';
import { event, requireLive, type Ctx } from './customers';
import { DuplicatesRepo } from '../store/duplicates-repo';
import { recomputeAggregates } from './aggregates';

/**
 * Merge `sourceId` into `targetId`. Asking again for a merge that crashed half-way resumes it
 * (the open merge record is found through the lock on the profiles).
 */
export async function mergeCustomers(ctx: Ctx, targetId: string, sourceId: string): Promise<{ merge: MergeRecord; customer: Customer; movedItems: number }> {
  if (targetId === sourceId) throw ValidationError.field('sourceId', 'must be another customer than the target');
  const { deps } = ctx;
  const resumable = await findOpenMerge(ctx, targetId, sourceId);
  let record = resumable;
  let target: Customer;
  let source: Customer;
  if (!record) {
    [target, source] = await Promise.all([requireLive(deps, targetId), requireLive(deps, sourceId)]);
    const now = deps.clock.now().toISOString();
    const { merged: _m, ...plan } = planMerge(target, source, now);
    record = { id: deps.ids.next(), targetId, sourceId, status: 'moving', plan, sourceSnapshot: source, targetVersion: target.version, actorId: ctx.actorId, createdAt: now };
    await deps.merges.begin(record, target, source);
  } else {
    [target, source] = await Promise.all([deps.customers.require(targetId), deps.customers.require(sourceId)]);
  }
  const movedItems = (await deps.merges.moveForMerge(record)) + (await moveOrders(ctx, record));
  const now = deps.clock.now().toISOString();
  const { merged } = planMerge(target, source, now);
  await deps.merges.complete(record, merged, source, event(ctx, 'CustomerMerged', { customerId: targetId, sourceId, mergeId: record.id }, now));
  // Orders first seen for the source while the merge ran follow it; then both totals are rebuilt.
  await moveOrders(ctx, record);
  await Promise.all([recomputeAggregates(ctx, targetId), recomputeAggregates(ctx, sourceId)]);
  await deps.duplicates.resolve(DuplicatesRepo.idOf(targetId, sourceId), 'merged', ctx.actorId, now).catch(() => undefined);
  countMetric('CustomersMerged');
  return { merge: { ...record, status: 'done' }, customer: merged, movedItems };
}

function moveOrders(ctx: Ctx, record: MergeRecord): Promise<number> {
  return ctx.deps.orders.moveOrders(record.sourceId, record.targetId, () => true, (t) => [...t, record.id]);
}

async function findOpenMerge(ctx: Ctx, targetId: string, sourceId: string): Promise<MergeRecord | undefined> {
  const recent = await ctx.deps.merges.listForTarget(targetId, 5);
  return recent.find((r) => r.sourceId === sourceId && r.status === 'moving');
}

export async function unmergeCustomers(ctx: Ctx, targetId: string, mergeId: string): Promise<{ merge: MergeRecord; customer: Customer; restored: Customer }> {
  const { deps } = ctx;
  const record = await deps.merges.requireRecord(mergeId);
  if (record.targetId !== targetId) throw new ConflictError(`Merge ${mergeId} was not into customer ${targetId}.`);
  if (record.status === 'undone') throw new ConflictError(`Merge ${mergeId} was already undone.`);
  if (record.status === 'moving') throw new ConflictError(`Merge ${mergeId} has not completed; retry the merge to finish it first.`);
  let target = await deps.customers.require(targetId);
  if (record.status === 'done') {
    if (target.status !== 'active') throw new ConflictError(`Customer ${targetId} is ${target.status}; it cannot take back a merge.`);
    await deps.merges.beginUndo(record, target);
    target = await deps.customers.require(targetId);
  }
  await deps.merges.moveForUndo(record);
  await deps.orders.moveOrders(targetId, record.sourceId, (o) => (o.mergeTrail ?? []).at(-1) === record.id, (t) => t.slice(0, -1));
  const now = deps.clock.now().toISOString();
  const reverted = revertMerge(target, record.plan, now);
  const source = await deps.customers.require(record.sourceId);
  const restored: Customer = { ...record.sourceSnapshot, status: 'active', updatedAt: now, version: source.version + 1 };
  delete restored.mergedInto;
  await deps.merges.completeUndo(record, reverted, restored, event(ctx, 'CustomerUnmerged', { customerId: targetId, sourceId: record.sourceId, mergeId }, now), now);
  await Promise.all([recomputeAggregates(ctx, targetId), recomputeAggregates(ctx, record.sourceId)]);
  countMetric('CustomersUnmerged');
  return { merge: { ...record, status: 'undone', undoneAt: now }, customer: reverted, restored };
}
