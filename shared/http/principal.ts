import { can, isRole, type Permission, type Role } from '../domain/roles';

/** The caller, from the JWT claims the authorizer verified (API Gateway in AWS, the local runtime here). */
export interface Principal {
  sub: string;
  roles: Role[];
  email?: string;
  clientId?: string;
  can(permission: Permission): boolean;
}

/** API Gateway flattens array claims to strings like `[admin manager]`; both forms are read. */
function readGroups(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string' || raw.length === 0) return [];
  const trimmed = raw.replace(/^\[|\]$/g, '');
  return trimmed.split(/[\s,]+/).filter(Boolean);
}

// Machine clients (issue 7)
/** The resource server (identifier) and scope of machine clients in the user pool: their tokens carry `scope: crm/integration`. */
export const RESOURCE_SERVER_ID = 'crm';
export const INTEGRATION_SCOPE_NAME = 'integration';
export const INTEGRATION_SCOPE = `${RESOURCE_SERVER_ID}/${INTEGRATION_SCOPE_NAME}`;

/**
 * A client-credentials access token of a machine app client: Cognito sets `sub` to the client id
 * and puts no `cognito:groups` in it; the `crm/integration` scope is allowed only to the machine
 * clients the stack creates (and the authorizer's audience admits only the stack's clients).
 */
function isMachineClientToken(claims: Record<string, unknown>): boolean {
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(/\s+/) : [];
  return typeof claims.client_id === 'string' && claims.client_id === claims.sub && claims.token_use !== 'id' && scopes.includes(INTEGRATION_SCOPE);
}

export function principalFromClaims(claims: Record<string, unknown> | undefined): Principal | undefined {
  if (!claims || typeof claims.sub !== 'string') return undefined;
  const fromGroups = [...readGroups(claims['cognito:groups']), ...readGroups(claims['custom:roles'])].filter(isRole);
  // A machine client's token has no groups: its scope makes it the integration role, its client_id the client whose grant applies.
  const roles: Role[] = fromGroups.length === 0 && isMachineClientToken(claims) ? ['integration'] : fromGroups;
  return {
    sub: claims.sub,
    roles,
    ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
    ...(typeof claims.client_id === 'string' ? { clientId: claims.client_id } : {}),
    can: (p) => can(roles, p),
  };
}
