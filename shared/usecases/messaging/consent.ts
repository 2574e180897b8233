import { applyPatch, type ConsentChannel } from '../../domain/customer';
import { ConflictError } from '../../domain/errors';
import type { Ctx } from '../customers';
import { event } from '../customers';

/**
 * Grants or revokes one channel's consent on a live profile through the profile update path (the
 * profile read, changed and written guarded by its version, with CustomerUpdated), retried when it
 * changed meanwhile. Nothing to change (already so, or no live profile): false.
 */
export async function setConsent(ctx: Ctx, customerId: string, channel: ConsentChannel, granted: boolean, source: string): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const c = await ctx.deps.customers.get(customerId, { consistent: true });
    if (!c || c.status !== 'active') return false;
    if (c.consent[channel]?.granted === granted) return false;
    const now = ctx.deps.clock.now().toISOString();
    const { next, changed } = applyPatch(c, { consent: { [channel]: { granted, source } } }, now);
    if (changed.length === 0) return false;
    try {
      await ctx.deps.customers.replace(c, next, event(ctx, 'CustomerUpdated', { customerId, changed }, now));
      return true;
    } catch (e) {
      if (e instanceof ConflictError && attempt < 5) continue;
      throw e;
    }
  }
}
