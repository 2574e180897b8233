import { planMerge, revertMerge, type Customer } from '../domain/customer';
import { ConflictError, ValidationError } from '../domain/errors';
import type { MergeRecord } from '../store/merge-repo';
import { countMetric } from '../runtime/observability';
import { event, requireLive, type Ctx } from './customers';
import { DuplicatesRepo } from '../store/duplicates-repo';
import { orderRefKey } from '../store/keys';

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
  const movedItems = await deps.merges.moveForMerge(record);
  await repointOrders(ctx, targetId);
  const now = deps.clock.now().toISOString();
  const { merged } = planMerge(target, source, now);
  await deps.merges.complete(record, merged, source, event(ctx, 'CustomerMerged', { customerId: targetId, sourceId, mergeId: record.id }, now));
  // Items (orders) first seen for the source while the merge ran follow it. Both customers'
  // aggregates follow the moved orders through the stream (projections/aggregates.ts).
  if (await deps.merges.moveForMerge(record)) await repointOrders(ctx, targetId);
  await deps.duplicates.resolve(DuplicatesRepo.idOf(targetId, sourceId), 'merged', ctx.actorId, now).catch(() => undefined);
  countMetric('CustomersMerged');
  return { merge: { ...record, status: 'done' }, customer: merged, movedItems };
}

/** Points the order pointers at the partition their orders are in now (after a move). */
async function repointOrders(ctx: Ctx, customerId: string): Promise<void> {
  const orders = await ctx.deps.orders.listByCustomer(customerId);
  const refs = await ctx.deps.orders.refs(orders);
  for (const o of orders) {
    const ref = refs.get(orderRefKey(o.platform, o.store, o.orderId).PK);
    if (!ref || ref.customerId !== customerId || ref.entryId !== o.entryId) await ctx.deps.orders.repoint(o, { customerId, entryId: o.entryId });
  }
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
  await repointOrders(ctx, record.sourceId);
  const now = deps.clock.now().toISOString();
  const reverted = revertMerge(target, record.plan, now);
  const source = await deps.customers.require(record.sourceId);
  const restored: Customer = { ...record.sourceSnapshot, status: 'active', updatedAt: now, version: source.version + 1 };
  delete restored.mergedInto;
  await deps.merges.completeUndo(record, reverted, restored, event(ctx, 'CustomerUnmerged', { customerId: targetId, sourceId: record.sourceId, mergeId }, now), now);
  countMetric('CustomersUnmerged');
  return { merge: { ...record, status: 'undone', undoneAt: now }, customer: reverted, restored };
}
