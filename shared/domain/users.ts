import { ValidationError } from './errors';
import { ROLES, type Role } from './roles';

/**
 * Staff users and machine clients (issue 7). A user is a person who signs in (a Cognito user in
 * AWS); their id is the `sub` of their token. The user record in the table is the authority on
 * their roles and whether they may act at all: the HTTP kernel reads it (cached a minute per
 * container), so a disabled user or a removed role stops working within a minute, even while an
 * access token issued before is still unexpired. Integration clients are machines (app clients),
 * never users; what each may call is its grant. Pure: no I/O.
 */
export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** Roles a person may hold; `integration` belongs to machine clients only. */
export const USER_ROLES = ROLES.filter((r): r is Exclude<Role, 'integration'> => r !== 'integration');
export type UserRole = (typeof USER_ROLES)[number];

/** Roles whose holders work in the service desk: they get an agent record (assignments, escalations). */
export const SERVICE_ROLES: readonly Role[] = ['agent', 'manager'];

export const USER_LIMITS = { name: 100, serviceGroups: 10, managerDepth: 20 } as const;

export interface User {
  /** The `sub` of their token (Cognito's user id in AWS). */
  id: string;
  /** Normalized (lower-case) e-mail; the sign-in name. */
  email: string;
  name: string;
  roles: UserRole[];
  /** Whom they report to: escalations (SLA breaches, overdue tasks) of an agent go to them. */
  managerId?: string;
  status: UserStatus;
  /** Service groups they joined when invited. */
  serviceGroups?: string[];
  invitedAt: string;
  invitedBy: string;
  lastInvitedAt?: string;
  disabledAt?: string;
  disabledBy?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** Refuses an empty, repeated or machine-only role list. */
export function assertRoles(roles: readonly string[], field = 'roles'): UserRole[] {
  if (roles.length === 0) throw ValidationError.field(field, 'must name at least one role');
  const issues = roles.flatMap((r, i) =>
    r === 'integration'
      ? [{ field: `${field}.${i}`, message: 'integration is the role of machine clients (PUT /v1/integration-clients/{clientId}), not of a person' }]
      : (USER_ROLES as readonly string[]).includes(r)
        ? []
        : [{ field: `${field}.${i}`, message: `must be one of ${USER_ROLES.join(', ')}` }],
  );
  if (new Set(roles).size !== roles.length) issues.push({ field, message: 'must not repeat a role' });
  if (issues.length) throw new ValidationError(issues);
  return [...roles] as UserRole[];
}

export const isServiceStaff = (roles: readonly Role[]) => roles.some((r) => SERVICE_ROLES.includes(r));

/** Which directory groups to add and remove to go from `before` to `after`. */
export function roleDiff(before: readonly Role[], after: readonly Role[]): { add: Role[]; remove: Role[] } {
  return { add: after.filter((r) => !before.includes(r)), remove: before.filter((r) => !after.includes(r)) };
}

/**
 * A manager must be someone else, and the reporting line must not loop: `chain` is the manager's
 * own line upwards (their manager, that one's manager, ...), as far as it was read.
 */
export function assertManager(userId: string, managerId: string, chain: readonly string[]): void {
  if (managerId === userId) throw ValidationError.field('managerId', 'a user cannot be their own manager');
  if (chain.includes(userId)) throw ValidationError.field('managerId', `${managerId} reports (directly or not) to ${userId}: the reporting line would loop`);
  if (chain.length > USER_LIMITS.managerDepth) throw ValidationError.field('managerId', `the reporting line above ${managerId} is deeper than ${USER_LIMITS.managerDepth} levels`);
}

/** An administrator may not lock themselves out: no disabling oneself, no dropping one's own admin role. */
export function assertNotSelfLockout(actorId: string, userId: string, change: { disable?: boolean; roles?: readonly Role[] }, before: readonly Role[]): void {
  if (actorId !== userId) return;
  if (change.disable) throw ValidationError.field('id', 'you cannot disable yourself; ask another administrator');
  if (change.roles && before.includes('admin') && !change.roles.includes('admin')) throw ValidationError.field('roles', 'you cannot remove your own admin role; ask another administrator');
}

// ---- Integration clients: what each machine client may call

export interface IntegrationClient {
  /** The app client id (`client_id` claim of its tokens). */
  id: string;
  name: string;
  /** Route operationIds it may call, e.g. `createCustomer`. */
  operations: string[];
  /** Route families it may call: the first path segment under /v1, e.g. `customers` covers /v1/customers/**. */
  families: string[];
  /** False revokes every grant at once (within a minute, like a disabled user). */
  active: boolean;
  // Per-client throttling (issue 7)
  /** Requests per minute this client may make (shared/domain/rate-limit.ts); absent: the configured default. */
  ratePerMinute?: number;
  /** Requests in any one second (shared/domain/rate-limit.ts burstOf); absent: a tenth of the minute, at least 10. */
  burstPerSecond?: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  version: number;
}

export const GRANT_LIMITS = { operations: 200, families: 50 } as const;
export const OPERATION_ID = /^[a-z][A-Za-z0-9]{0,63}$/;
export const ROUTE_FAMILY = /^[a-z][a-z0-9-]{0,63}$/;

/** The family of a route path: `/v1/customers/{id}/tags` → `customers`. */
export function routeFamily(path: string): string {
  return path.split('/').filter(Boolean)[1] ?? '';
}

/** Whether a client's grant lets it call a route (its operationId named, or its family). */
export function grantAllows(grant: Pick<IntegrationClient, 'active' | 'operations' | 'families'> | undefined, route: { operationId: string; path: string }): boolean {
  if (!grant || !grant.active) return false;
  return grant.operations.includes(route.operationId) || grant.families.includes(routeFamily(route.path));
}

/** Refuses repeated or malformed names in a grant. */
export function assertGrant(input: { operations: readonly string[]; families: readonly string[] }): void {
  const issues: { field: string; message: string }[] = [];
  const check = (field: 'operations' | 'families', pattern: RegExp, what: string) => {
    const list = input[field];
    list.forEach((v, i) => {
      if (!pattern.test(v)) issues.push({ field: `${field}.${i}`, message: `must be ${what}` });
    });
    if (new Set(list).size !== list.length) issues.push({ field, message: 'must not repeat a name' });
  };
  check('operations', OPERATION_ID, 'a route operationId (e.g. createCustomer)');
  check('families', ROUTE_FAMILY, 'a route family: the first path segment under /v1 (e.g. customers)');
  if (issues.length) throw new ValidationError(issues);
}
