import { ForbiddenError, UnauthorizedError } from '../../domain/errors';
import { can, type Role } from '../../domain/roles';
import { grantAllows, type IntegrationClient } from '../../domain/users';
import type { Principal } from '../../http/principal';
import type { Db } from '../../store/client';
import { IntegrationClientsRepo } from '../../store/integration-clients-repo';
import { repoOf } from '../../store/repo-of';
import { UsersRepo, type CallerRecord } from '../../store/users-repo';

/**
 * The HTTP kernel's checks of who is calling, beyond the token's signature:
 *  - a person with a user record acts with the record's roles, and not at all once disabled (401);
 *  - a caller without a record (machine clients, the local bootstrap tokens, people created in the
 *    directory by hand) acts with the token's roles, as before;
 *  - an integration principal calls only the routes its client's grant names (403 otherwise).
 * Records are cached per container for CALLER_TTL_MS (absent ones too), so a busy container reads
 * one user item and one grant item per caller per minute at most; a change through the users API
 * drops the entry in its own container at once and reaches the others within the minute.
 */
export const CALLER_TTL_MS = 60_000;
const MAX_ENTRIES = 5_000;

export class TtlCache<V> {
  private readonly entries = new Map<string, { until: number; value: Promise<V> }>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    const t = this.now();
    if (hit && hit.until > t) return hit.value;
    if (this.entries.size >= MAX_ENTRIES) {
      for (const [k, e] of this.entries) if (e.until <= t) this.entries.delete(k);
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    }
    const value = load();
    this.entries.set(key, { until: t + this.ttlMs, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

const users = new TtlCache<CallerRecord | undefined>(CALLER_TTL_MS);
const clients = new TtlCache<IntegrationClient | undefined>(CALLER_TTL_MS);
const cacheKey = (db: Db, id: string) => `${db.tableName}\u0000${id}`;

/** Drops a user's cached record in this container (after the users API changed it). */
export const forgetCaller = (db: Db, sub: string) => users.forget(cacheKey(db, sub));
export const forgetClient = (db: Db, clientId: string) => clients.forget(cacheKey(db, clientId));

interface GateDeps {
  db: Db;
  config: { trustedIntegrationClients: readonly string[] };
}

/** The principal as it may act: the record's roles, or a 401 for a disabled user. */
export async function admitCaller(deps: GateDeps, principal: Principal): Promise<Principal> {
  const record = await users.get(cacheKey(deps.db, principal.sub), () => repoOf(deps, UsersRepo).caller(principal.sub));
  if (!record) return principal;
  if (record.status !== 'active') throw new UnauthorizedError('This user is disabled; ask an administrator to enable them again.');
  const roles = [...(record.roles ?? [])] as Role[];
  return { ...principal, roles, can: (p) => can(roles, p) };
}

/**
 * An integration principal's route must be in its client's grant (the configured bootstrap clients
 * have every route). Answers the grant that allowed it (per-client throttling reads its
 * `ratePerMinute`), or undefined for people and clients trusted by configuration.
 */
export async function authorizeClient(deps: GateDeps, principal: Principal, route: { operationId: string; path: string }): Promise<IntegrationClient | undefined> {
  if (!principal.roles.includes('integration')) return undefined;
  const clientId = principal.clientId;
  if (clientId && deps.config.trustedIntegrationClients.includes(clientId)) return undefined;
  const grant = clientId ? await clients.get(cacheKey(deps.db, clientId), () => repoOf(deps, IntegrationClientsRepo).get(clientId, false)) : undefined;
  if (!grantAllows(grant, route)) {
    throw new ForbiddenError(
      clientId
        ? `Integration client ${clientId} is not granted ${route.operationId}${grant && !grant.active ? ' (its grants are revoked)' : ''}; an administrator grants routes with PUT /v1/integration-clients/${clientId}.`
        : 'This integration token names no client (client_id), so no grant applies.',
    );
  }
  return grant;
}
