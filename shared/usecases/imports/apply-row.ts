import type { Customer, CustomerPatch } from '../../domain/customer';
import { ConflictError } from '../../domain/errors';
import { platformIdentity, type Identity } from '../../domain/identity';
import type { NormalizedOrder } from '../../domain/ingest';
import { isNewer } from '../../domain/orders';
import type { DedupMode, RowOutcome } from '../../domain/transfers';
import { createCustomer, updateCustomer, type Ctx } from '../customers';
import { ingestOrder } from '../ingest/ingest-order';
import { resolveCustomer } from '../ingest/resolve-customer';
import type { CustomerRow } from './rows';

/**
 * Applying one row, idempotently: applying it again (a chunk retried after a crash) leaves the
 * same state. What a row counts as is decided from the state *before* it is first applied
 * (`*Outcome`), recorded, and reused on a retry, so the counters come out the same however often
 * a chunk runs. Customers are found by identity with the webhooks' rules (resolveCustomer), then
 * blank fields are filled; orders go through ingestOrder with the row's own delivery marker.
 */
type Owned = { identity: Identity; field: 'externalId' | 'platformIds' | 'email' | 'phone'; owner?: string };

async function owners(ctx: Ctx, row: CustomerRow): Promise<Owned[]> {
  const { input, hints } = row;
  const ids: Omit<Owned, 'owner'>[] = [];
  if (input.externalId) ids.push({ field: 'externalId', identity: { kind: 'external', value: input.externalId } });
  if (hints.platformCustomerId) ids.push({ field: 'platformIds', identity: { kind: 'platform', value: platformIdentity(hints.platform, hints.store, hints.platformCustomerId) } });
  if (input.email) ids.push({ field: 'email', identity: { kind: 'email', value: input.email } });
  if (input.phone) ids.push({ field: 'phone', identity: { kind: 'phone', value: input.phone } });
  const found = await Promise.all(ids.map((i) => ctx.deps.customers.findIdByIdentity(i.identity)));
  return ids.map((i, n) => ({ ...i, ...(found[n] ? { owner: found[n] } : {}) }));
}

export async function customerOutcome(ctx: Ctx, row: CustomerRow, dedup: DedupMode): Promise<RowOutcome> {
  const matched = (await owners(ctx, row)).some((o) => o.owner);
  return !matched ? 'imported' : dedup === 'skip' ? 'skipped' : 'merged';
}

/** Fields the profile lacks, from the row; identities only when nobody holds them. */
function blanks(c: Customer, row: CustomerRow, owned: Owned[]): CustomerPatch {
  const free = (field: Owned['field']) => owned.some((o) => o.field === field && !o.owner);
  const patch: CustomerPatch = {};
  const { input } = row;
  for (const key of ['name', 'gender', 'birthday', 'country', 'region', 'city', 'store', 'sourceChannel'] as const) {
    if (input[key] !== undefined && c[key] === undefined) (patch as Record<string, unknown>)[key] = input[key];
  }
  if (input.email && !c.email && free('email')) patch.email = input.email;
  if (input.phone && !c.phone && free('phone')) patch.phone = input.phone;
  if (input.externalId && !c.externalId && free('externalId')) patch.externalId = input.externalId;
  const pid = input.platformIds?.[0];
  if (pid && free('platformIds') && !c.platformIds.some((p) => p.platform === pid.platform && p.store === pid.store && p.id === pid.id)) patch.platformIds = [...c.platformIds, pid];
  const newTags = (input.tags ?? []).filter((t) => !c.tags.includes(t));
  if (newTags.length) patch.tags = [...c.tags, ...newTags];
  return patch;
}

async function fillBlanks(ctx: Ctx, id: string, row: CustomerRow): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const c = await ctx.deps.customers.get(id);
    if (!c || c.status !== 'active') return;
    const patch = blanks(c, row, await owners(ctx, row));
    if (Object.keys(patch).length === 0) return;
    try {
      await updateCustomer(ctx, id, c.version, patch);
      return;
    } catch (e) {
      // Someone changed the profile or took an identity meanwhile: read again and fill what is still blank.
      if (!(e instanceof ConflictError) || attempt >= 4) throw e;
    }
  }
}

/**
 * A customers row: a new profile with every field when no identity matches; otherwise the
 * profile the identities point at (an external id first, then resolveCustomer's platform id →
 * email → phone, which records conflicting profiles as duplicate candidates) gets its blanks filled.
 */
export async function applyCustomerRow(ctx: Ctx, row: CustomerRow, dedup: DedupMode): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const owned = await owners(ctx, row);
    const holders = [...new Set(owned.flatMap((o) => (o.owner ? [o.owner] : [])))];
    if (holders.length === 0) {
      try {
        await createCustomer(ctx, row.input);
        return;
      } catch (e) {
        if (e instanceof ConflictError && attempt < 3) continue; // created meanwhile: match it
        throw e;
      }
    }
    if (dedup === 'skip') return;
    const external = owned.find((o) => o.field === 'externalId')?.owner;
    let winner: string;
    if (external) {
      winner = external;
      const now = ctx.deps.clock.now().toISOString();
      for (const other of holders.filter((h) => h !== winner)) await ctx.deps.duplicates.record(winner, other, ['identity-conflict'], now);
    } else {
      winner = (await resolveCustomer(ctx, row.hints)).customerId;
    }
    await fillBlanks(ctx, winner, row);
    return;
  }
}

export async function orderOutcome(ctx: Ctx, order: NormalizedOrder, dedup: DedupMode): Promise<RowOutcome> {
  const existing = await ctx.deps.orders.get(order.platform, order.store, order.orderId);
  if (!existing) return 'imported';
  return dedup === 'merge' && isNewer(existing, order) ? 'merged' : 'skipped';
}

/** An orders row, as a webhook order: the order, its customer's aggregates and timeline, once per row. */
export async function applyOrderRow(ctx: Ctx, jobId: string, row: number, order: NormalizedOrder, outcome: RowOutcome): Promise<void> {
  if (outcome === 'skipped') return;
  await ingestOrder(ctx, order, { source: 'import', sourceId: jobId, deliveryId: String(row) });
}
