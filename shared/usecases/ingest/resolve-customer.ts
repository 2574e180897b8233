import type { CustomerInput, CustomerPatch } from '../../domain/customer';
import { ConflictError } from '../../domain/errors';
import { normalizeEmail, normalizePhone, platformIdentity, type Identity } from '../../domain/identity';
import type { IdentityHints } from '../../domain/ingest';
import { countMetric } from '../../runtime/observability';
import { createCustomer, updateCustomer, type Ctx } from '../customers';

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
  const ids = identities(hints, ctx.deps.config.defaultPhoneRegion);
  const owners = await Promise.all(ids.map((i) => ctx.deps.customers.findIdByIdentity(i.identity)));
  const matched = ids.map((i, n) => ({ ...i, owner: owners[n] })).filter((m): m is typeof m & { owner: string } => !!m.owner);
  if (matched.length === 0) {
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
    try {
      const c = await createCustomer(ctx, input);
      countMetric('CustomersCreatedByIngest');
      return { customerId: c.id, created: true, conflicts: [] };
    } catch (e) {
      // Another delivery created this person a moment ago: resolve again and find them.
      if (e instanceof ConflictError && attempt < 3) return resolveCustomer(ctx, hints, attempt + 1);
      throw e;
    }
  }
  const winner = matched[0]!.owner;
  const conflicts = [...new Set(matched.map((m) => m.owner).filter((o) => o !== winner))];
  const now = ctx.deps.clock.now().toISOString();
  for (const other of conflicts) await ctx.deps.duplicates.record(winner, other, ['identity-conflict'], now);
  const unclaimed = ids.filter((_, n) => !owners[n]);
  if (unclaimed.length) await attachIdentities(ctx, winner, hints, unclaimed.map((u) => u.field));
  return { customerId: winner, created: false, conflicts };
}

/** Adds the identities a profile lacks (never overwrites one it has); losing a race is harmless. */
async function attachIdentities(ctx: Ctx, customerId: string, hints: IdentityHints, fields: ('platform' | 'email' | 'phone')[]): Promise<void> {
  const c = await ctx.deps.customers.get(customerId);
  if (!c || c.status !== 'active') return;
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
