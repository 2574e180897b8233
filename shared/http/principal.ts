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

export function principalFromClaims(claims: Record<string, unknown> | undefined): Principal | undefined {
  if (!claims || typeof claims.sub !== 'string') return undefined;
  const roles = [...readGroups(claims['cognito:groups']), ...readGroups(claims['custom:roles'])].filter(isRole);
  return {
    sub: claims.sub,
    roles,
    ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
    ...(typeof claims.client_id === 'string' ? { clientId: claims.client_id } : {}),
    can: (p) => can(roles, p),
  };
}
