import { applyPatch, newCustomer, purgeDate, RECYCLE_BIN_DAYS, type Customer, type CustomerInput, type CustomerPatch } from '../domain/customer';
import { ConflictError, NotFoundError } from '../domain/errors';
import { makeEvent } from '../events/envelope';
import type { EventData, EventType } from '../events/catalog';
import type { Deps } from '../runtime/deps';
import { countMetric } from '../runtime/observability';
import { assertLimits } from './customer-input';

export interface Ctx {
  deps: Deps;
  correlationId: string;
  actorId: string;
}

export function event<T extends EventType>(ctx: Ctx, type: T, data: EventData<T>, at: string) {
  return makeEvent(type, data, { id: ctx.deps.ids.next(), occurredAt: at, correlationId: ctx.correlationId });
}

/** Profiles that are merged away answer with where they went; deleted ones are only in the bin. */
export async function requireLive(deps: Deps, id: string): Promise<Customer> {
  const c = await deps.customers.require(id);
  if (c.status === 'merged') throw new ConflictError(`Customer ${id} was merged into ${c.mergedInto}.`, { mergedInto: c.mergedInto });
  if (c.status === 'deleted') throw new NotFoundError('Customer', id);
  return c;
}

export async function createCustomer(ctx: Ctx, input: CustomerInput): Promise<Customer> {
  const now = ctx.deps.clock.now().toISOString();
  const c = newCustomer(ctx.deps.ids.next(), input, now);
  assertLimits(c);
  await ctx.deps.customers.create(c, event(ctx, 'CustomerCreated', { customerId: c.id, ...(c.sourceChannel ? { sourceChannel: c.sourceChannel } : {}) }, now));
  countMetric('CustomersCreated');
  return c;
}

export async function updateCustomer(ctx: Ctx, id: string, version: number, patch: CustomerPatch): Promise<Customer> {
  const current = await requireLive(ctx.deps, id);
  if (current.version !== version) {
    throw new ConflictError(`The customer is at version ${current.version}, not ${version}; read it again and retry.`, { currentVersion: current.version });
  }
  const now = ctx.deps.clock.now().toISOString();
  const { next, changed } = applyPatch(current, patch, now);
  if (changed.length === 0) return current;
  assertLimits(next);
  await ctx.deps.customers.replace(current, next, event(ctx, 'CustomerUpdated', { customerId: id, changed }, now));
  return next;
}

/**
 * Adds and removes manual tags through the profile update path: the profile read, changed and
 * written guarded by its version (retried when someone else changed it meanwhile), limits checked,
 * and CustomerUpdated with CustomerTagsChanged (source `manual`) in the same transaction. `known` is
 * the profile when the caller has just read it (a bulk job's page). Nothing to change: no write.
 */
export async function changeTags(ctx: Ctx, id: string, add: readonly string[], remove: readonly string[], known?: Customer): Promise<{ customer: Customer; added: string[]; removed: string[] }> {
  for (let attempt = 0; ; attempt++) {
    const current = attempt === 0 && known?.status === 'active' ? known : await requireLive(ctx.deps, id);
    const drop = new Set(remove);
    const tags = current.tags.filter((t) => !drop.has(t));
    for (const t of add) if (!tags.includes(t)) tags.push(t);
    const added = tags.filter((t) => !current.tags.includes(t));
    const removed = current.tags.filter((t) => !tags.includes(t));
    if (added.length + removed.length === 0) return { customer: current, added, removed };
    const now = ctx.deps.clock.now().toISOString();
    const next: Customer = { ...current, tags, updatedAt: now, version: current.version + 1 };
    assertLimits(next);
    try {
      await ctx.deps.customers.replace(current, next, event(ctx, 'CustomerUpdated', { customerId: id, changed: ['tags'] }, now), 'active', [
        event(ctx, 'CustomerTagsChanged', { customerId: id, added, removed, source: 'manual' }, now),
      ]);
      return { customer: next, added, removed };
    } catch (e) {
      if (e instanceof ConflictError && e.extra.reason === 'version' && attempt < 5) continue;
      throw e;
    }
  }
}

export async function deleteCustomer(ctx: Ctx, id: string): Promise<Customer> {
  const current = await requireLive(ctx.deps, id);
  const now = ctx.deps.clock.now().toISOString();
  const next: Customer = { ...current, status: 'deleted', deletedAt: now, purgeAt: purgeDate(now), updatedAt: now, version: current.version + 1 };
  await ctx.deps.customers.replace(current, next, event(ctx, 'CustomerDeleted', { customerId: id, purgeAt: next.purgeAt! }, now));
  return next;
}

export async function restoreCustomer(ctx: Ctx, id: string): Promise<Customer> {
  const current = await ctx.deps.customers.require(id);
  if (current.status !== 'deleted') throw new ConflictError(`Customer ${id} is not in the recycle bin.`);
  const now = ctx.deps.clock.now().toISOString();
  const { deletedAt: _d, purgeAt: _p, ...rest } = current;
  const next: Customer = { ...rest, status: 'active', updatedAt: now, version: current.version + 1 };
  await ctx.deps.customers.replace(current, next, event(ctx, 'CustomerRestored', { customerId: id }, now), 'deleted');
  return next;
}

/** Purges profiles whose 30 days in the bin are over; returns how many went. */
export async function purgeRecycleBin(ctx: Ctx, batch = 100): Promise<number> {
  const now = ctx.deps.clock.now().toISOString();
  const cutoff = new Date(Date.parse(now) - RECYCLE_BIN_DAYS * 86_400_000).toISOString();
  const due = (await ctx.deps.customers.dueForPurge(cutoff, batch)).filter((c) => c.purgeAt && c.purgeAt <= now);
  for (const c of due) {
    await ctx.deps.partition.purge(c, event(ctx, 'CustomerPurged', { customerId: c.id }, now));
    countMetric('CustomersPurged');
  }
  return due.length;
}
