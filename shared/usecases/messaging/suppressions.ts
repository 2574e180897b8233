import { NotFoundError, ValidationError } from '../../domain/errors';
import { normalizeEmail, normalizePhone } from '../../domain/identity';
import { maskEmail, maskPhone } from '../../domain/masking';
import { repoOf } from '../../store/repo-of';
import { SuppressionsRepo, type Suppression, type SuppressionChannel } from '../../store/suppressions-repo';
import type { Ctx } from '../customers';
import { suppressionHash } from './decide';

/**
 * The suppression list API (`/v1/suppressions`). An entry's id is `<channel>:<keyed hash of the
 * normalized address>`, so routes never carry an address. Bounces and complaints arrive through
 * feedback, opt-outs through STOP replies; people add and remove entries here with a reason.
 */
export function normalizeAddress(ctx: Ctx, channel: SuppressionChannel, raw: string): string {
  const n = channel === 'email' ? normalizeEmail(raw) : normalizePhone(raw, ctx.deps.config.defaultPhoneRegion);
  if (!n.ok) throw ValidationError.field('address', n.reason);
  return n.value;
}

export function parseSuppressionId(id: string): { channel: SuppressionChannel; hash: string } {
  const m = /^(email|sms):([A-Za-z0-9_-]{16,64})$/.exec(id);
  if (!m) throw ValidationError.field('id', 'is not a suppression id (<channel>:<hash>)');
  return { channel: m[1] as SuppressionChannel, hash: m[2]! };
}

export const presentSuppression = (s: Suppression, pii: boolean): Suppression => (pii ? s : { ...s, address: s.channel === 'email' ? maskEmail(s.address) : maskPhone(s.address) });

export async function addSuppression(ctx: Ctx, input: { channel: SuppressionChannel; address: string; reason: Suppression['reason']; note?: string }): Promise<{ suppression: Suppression; created: boolean }> {
  const address = normalizeAddress(ctx, input.channel, input.address);
  const hash = suppressionHash(ctx, input.channel, address);
  const s: Suppression = { id: `${input.channel}:${hash}`, channel: input.channel, address, reason: input.reason, ...(input.note ? { note: input.note } : {}), createdAt: ctx.deps.clock.now().toISOString(), createdBy: ctx.actorId };
  const repo = repoOf(ctx.deps, SuppressionsRepo);
  if (await repo.add({ ...s, hash })) return { suppression: s, created: true };
  return { suppression: (await repo.get(input.channel, hash))!, created: false };
}

export async function removeSuppression(ctx: Ctx, id: string): Promise<Suppression> {
  const { channel, hash } = parseSuppressionId(id);
  const removed = await repoOf(ctx.deps, SuppressionsRepo).remove(channel, hash);
  if (!removed) throw new NotFoundError('Suppression', id);
  return removed;
}

/** Is this address suppressed? (`GET /v1/suppressions?channel=&address=`). */
export async function findSuppression(ctx: Ctx, channel: SuppressionChannel, rawAddress: string): Promise<Suppression | undefined> {
  const address = normalizeAddress(ctx, channel, rawAddress);
  return repoOf(ctx.deps, SuppressionsRepo).get(channel, suppressionHash(ctx, channel, address));
}

export const listSuppressions = (ctx: Ctx, channel: SuppressionChannel, limit: number, cursor?: string) => repoOf(ctx.deps, SuppressionsRepo).list(channel, limit, cursor);
