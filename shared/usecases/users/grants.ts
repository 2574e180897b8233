import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors';
import { assertGrant, type IntegrationClient } from '../../domain/users';
import { BURST_PER_SECOND_LIMITS, burstOf, isBurstPerSecond, isRatePerMinute, limitOf, RATE_PER_MINUTE_LIMITS } from '../../domain/rate-limit';
import { noteChange } from '../../runtime/audit-context';
import { IntegrationClientsRepo } from '../../store/integration-clients-repo';
import { repoOf } from '../../store/repo-of';
import { forgetClient } from './caller-gate';
import type { Ctx } from './common';

export interface GrantInput {
  name: string;
  operations: string[];
  families: string[];
  active?: boolean;
  /** Requests per minute (per-client throttling); absent: the configured default. */
  ratePerMinute?: number;
  /** Requests in any one second; absent: a tenth of the minute's, at least 10. */
  burstPerSecond?: number;
  /** Required to change an existing grant: the version read (409 when stale). */
  version?: number;
}

/**
 * A grant as answered: with whether configuration grants the client everything anyway, and the
 * requests per minute and per second that apply to it (its own or the defaults; null when trusted
 * by configuration, which is not counted).
 */
export type GrantView = IntegrationClient & { trustedByConfiguration: boolean; effectiveRatePerMinute: number | null; effectiveBurstPerSecond: number | null };

const view = (ctx: Ctx, c: IntegrationClient): GrantView => {
  const trusted = ctx.deps.config.trustedIntegrationClients.includes(c.id);
  const perMinute = limitOf(c.ratePerMinute, ctx.deps.config.integrationRatePerMinute);
  return { ...c, trustedByConfiguration: trusted, effectiveRatePerMinute: trusted ? null : perMinute, effectiveBurstPerSecond: trusted ? null : burstOf(c.burstPerSecond, perMinute) };
};
const repo = (ctx: Ctx) => repoOf(ctx.deps, IntegrationClientsRepo);

/**
 * Sets what an integration client (a machine's app client, by the `client_id` of its tokens) may
 * call: route operationIds and route families. Deny by default: a client without a grant, or with
 * `active: false`, is refused every route (403) within a minute. `ratePerMinute` and
 * `burstPerSecond` set its own per-client limits (a PUT without them returns the client to the defaults). Creating needs no
 * version; changing needs the version read.
 */
export async function putGrant(ctx: Ctx, clientId: string, input: GrantInput): Promise<GrantView> {
  assertGrant(input);
  if (input.ratePerMinute !== undefined && !isRatePerMinute(input.ratePerMinute)) {
    throw ValidationError.field('ratePerMinute', `must be a whole number from ${RATE_PER_MINUTE_LIMITS.min} to ${RATE_PER_MINUTE_LIMITS.max}`);
  }
  if (input.burstPerSecond !== undefined && !isBurstPerSecond(input.burstPerSecond)) {
    throw ValidationError.field('burstPerSecond', `must be a whole number from ${BURST_PER_SECOND_LIMITS.min} to ${BURST_PER_SECOND_LIMITS.max}`);
  }
  const perMinute = limitOf(input.ratePerMinute, ctx.deps.config.integrationRatePerMinute);
  if (input.burstPerSecond !== undefined && input.burstPerSecond > perMinute) {
    throw ValidationError.field('burstPerSecond', `must not exceed the client's ${perMinute} requests per minute (ratePerMinute)`);
  }
  const before = await repo(ctx).get(clientId);
  if (before && input.version === undefined) throw ValidationError.field('version', `is required to change client ${clientId} (it is at version ${before.version})`);
  if (before && input.version !== before.version) throw new ConflictError(`Integration client ${clientId} is at version ${before.version}, not ${input.version}; read it again and retry.`, { currentVersion: before.version });
  if (!before && input.version !== undefined && input.version !== 0) throw new NotFoundError('Integration client', clientId);
  const now = ctx.deps.clock.now().toISOString();
  const after: IntegrationClient = {
    id: clientId,
    name: input.name,
    operations: [...input.operations].sort(),
    families: [...input.families].sort(),
    active: input.active ?? true,
    ...(input.ratePerMinute !== undefined ? { ratePerMinute: input.ratePerMinute } : {}),
    ...(input.burstPerSecond !== undefined ? { burstPerSecond: input.burstPerSecond } : {}),
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
    updatedBy: ctx.actorId,
    version: (before?.version ?? 0) + 1,
  };
  await repo(ctx).put(after, before?.version ?? 0);
  forgetClient(ctx.deps.db, clientId);
  noteChange('integration-client', clientId, before, after);
  return view(ctx, after);
}

export async function getGrant(ctx: Ctx, clientId: string): Promise<GrantView> {
  const c = await repo(ctx).get(clientId);
  if (!c) throw new NotFoundError('Integration client', clientId);
  return view(ctx, c);
}

export async function listGrants(ctx: Ctx, limit: number, cursor?: string): Promise<{ items: GrantView[]; cursor?: string }> {
  const page = await repo(ctx).list(limit, cursor);
  return { ...page, items: page.items.map((c) => view(ctx, c)) };
}
