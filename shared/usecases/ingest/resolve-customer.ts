import { newCustomer, type Customer, type CustomerInput, type CustomerPatch } from '../../domain/customer';
import { ConflictError } from '../../domain/errors';
import { normalizeEmail, normalizePhone, platformIdentity, type Identity } from '../../domain/identity';
import type { IdentityHints } from '../../domain/ingest';
import { countMetric } from '../../runtime/observability';
import { assertLimits } from '../customer-input';
import { updateCustomer, type Ctx } from '../customers';

export interface Resolution {
  customerId: string;
  created: boolean;
  /** Other profiles the same identities point at (recorded as duplicate candidates). */
  conflicts: string[];
}

function identities(h: IdentityHints, defaultRegion: string): { identity: Identity; field: 'platform' | 'email' | 'phone' }[] {
  const out: { identity: Identity; field: 'platform' | 'email' | 'phone' }[] = [];
  if (h.platformCustomerId) out.push({ field: 'platform', identity: { kind: 'platform', value: platformIdentity(h.platform, h.store, h.platformCustomerId) } });
  const email = h.email ? normalizeEmail(h.email) : undefined;
  if (email?.ok) out.push({ field: 'email', identity: { kind: 'email', value: email.value } });
  const phone = h.phone ? normalizePhone(h.phone, defaultRegion) : undefined;
  if (phone?.ok) out.push({ field: 'phone', identity: { kind: 'phone', value: phone.value } });
  return out;
}

/**
 * Finds the profile an order or customer record belongs to: platform customer id, then email,
 * then phone. Creates the profile when none matches (recording the source channel). When the
 * identities point at two profiles, the strongest match wins and the pair is recorded as a
 * duplicate candidate for review, never merged silently. Identities the winner lacks are added
 * to it when nobody else holds them.
 */
export async function resolveCustomer(ctx: Ctx, hints: IdentityHints, attempt = 0): Promise<Resolution> {
  const { deps } = ctx;
  const ids = identities(hints, deps.config.defaultPhoneRegion);
  const owners = await Promise.all(ids.map((i) => deps.customers.findIdByIdentity(i.identity)));
  const matched = ids.map((i, n) => ({ ...i, owner: owners[n] })).filter((m): m is typeof m & { owner: string } => !!m.owner);
  const now = deps.clock.now().toISOString();
  if (matched.length === 0) {
    const made = await createFromHints(ctx, deps.ids.next(), hints, ids, now);
    // Another delivery claimed this person's strongest identity a moment ago: resolve again.
    if ('takenBy' in made) {
      if (attempt < 3) return resolveCustomer(ctx, hints, attempt + 1);
      throw new ConflictError(`identity claimed by ${made.takenBy} while resolving; the delivery will be retried`);
    }
    return made;
  }
  const winner = matched[0]!.owner;
  const conflicts = [...new Set(matched.map((m) => m.owner).filter((o) => o !== winner))];
  for (const other of conflicts) await deps.duplicates.record(winner, other, ['identity-conflict'], now);
  const profile = await deps.customers.get(winner);
  if (!profile) {
    // The claim is there but not its profile: its creation is under way, or crashed between the
    // two writes. Writing it (again) is safe: the first profile write wins.
    const made = await createFromHints(ctx, winner, hints, ids.filter((_, n) => !owners[n] || owners[n] === winner), now);
    if ('takenBy' in made) throw new ConflictError(`identity claimed by ${made.takenBy} while resolving; the delivery will be retried`);
    return { ...made, conflicts: [...new Set([...conflicts, ...made.conflicts])] };
  }
  const unclaimed = ids.filter((_, n) => !owners[n]);
  if (unclaimed.length) await attachIdentities(ctx, profile, hints, unclaimed.map((u) => u.field));
  return { customerId: winner, created: false, conflicts };
}

/** A new profile from a shop's identity hints, claims first (no transaction; see createClaimFirst). */
async function createFromHints(ctx: Ctx, id: string, hints: IdentityHints, ids: ReturnType<typeof identities>, now: string): Promise<Resolution | { takenBy: string }> {
  const input: CustomerInput = {
    sourceChannel: hints.sourceChannel,
    ...(hints.name ? { name: hints.name } : {}),
    ...(hints.city ? { city: hints.city } : {}),
    ...(hints.country && /^[A-Z]{2}$/.test(hints.country) ? { country: hints.country } : {}),
    ...ids.reduce<Partial<CustomerInput>>((acc, i) => {
      if (i.field === 'email') acc.email = i.identity.value;
      if (i.field === 'phone') acc.phone = i.identity.value;
      if (i.field === 'platform') acc.platformIds = [{ platform: hints.platform, store: hints.store, id: hints.platformCustomerId! }];
      return acc;
    }, {}),
    ...(hints.acceptsMarketing !== undefined && hints.email ? { consent: { email: { granted: hints.acceptsMarketing, source: hints.sourceChannel } } } : {}),
  };
  const c = newCustomer(id, input, now);
  assertLimits(c);
  const r = await ctx.deps.customers.createClaimFirst(c, ctx.correlationId);
  if ('takenBy' in r) return r;
  const conflicts = [...new Set(r.dropped.map((d) => d.owner).filter((o) => o && o !== id))];
  for (const other of conflicts) await ctx.deps.duplicates.record(id, other, ['identity-conflict'], now);
  if (r.created) countMetric('CustomersCreatedByIngest');
  return { customerId: id, created: r.created, conflicts };
}

/** Adds the identities a profile lacks (never overwrites one it has); losing a race is harmless. */
async function attachIdentities(ctx: Ctx, c: Customer, hints: IdentityHints, fields: ('platform' | 'email' | 'phone')[]): Promise<void> {
  if (c.status !== 'active') return;
  const customerId = c.id;
  const patch: CustomerPatch = {};
  const ids = identities(hints, ctx.deps.config.defaultPhoneRegion);
  for (const f of fields) {
    const value = ids.find((i) => i.field === f)?.identity.value;
    if (f === 'email' && !c.email && value) patch.email = value;
    if (f === 'phone' && !c.phone && value) patch.phone = value;
    if (f === 'platform' && hints.platformCustomerId) patch.platformIds = [...c.platformIds, { platform: hints.platform, store: hints.store, id: hints.platformCustomerId }];
  }
  if (Object.keys(patch).length === 0) return;
  try {
    await updateCustomer(ctx, customerId, c.version, patch);
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e;
  }
}
