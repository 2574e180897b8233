/**
 * Roles and the permission matrix. Roles are Cognito groups in AWS and a token claim locally.
 * The README's permission table is generated from this matrix (see test/unit/roles.test.ts).
 */
export const ROLES = ['admin', 'manager', 'marketer', 'agent', 'sales', 'analyst', 'integration'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'customers:read',
  'customers:write',
  'customers:delete',
  'customers:merge',
  'interactions:write',
  'pii:read',
  'tickets:read',
  'tickets:write',
  'tasks:read',
  'tasks:write',
  'notifications:read',
  'service:admin',
  'service:reports',
  'segments:read',
  'segments:write',
  'tags:write',
  'settings:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const MATRIX: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  manager: ['customers:read', 'customers:write', 'customers:delete', 'customers:merge', 'interactions:write', 'pii:read', 'tickets:read', 'tickets:write', 'tasks:read', 'tasks:write', 'notifications:read', 'service:admin', 'service:reports', 'segments:read', 'segments:write', 'tags:write', 'settings:write'],
  marketer: ['customers:read', 'customers:write', 'pii:read', 'tasks:read', 'tasks:write', 'notifications:read', 'segments:read', 'segments:write', 'tags:write'],
  agent: ['customers:read', 'customers:write', 'interactions:write', 'pii:read', 'tickets:read', 'tickets:write', 'tasks:read', 'tasks:write', 'notifications:read'],
  sales: ['customers:read', 'customers:write', 'interactions:write', 'pii:read', 'tickets:read', 'tasks:read', 'tasks:write', 'notifications:read'],
  analyst: ['customers:read', 'notifications:read', 'service:reports', 'segments:read'],
  integration: ['customers:read', 'customers:write', 'interactions:write', 'pii:read', 'tickets:read', 'tickets:write'],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function permissionsOf(roles: readonly Role[]): Set<Permission> {
  return new Set(roles.flatMap((r) => MATRIX[r]));
}

export function can(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((r) => MATRIX[r].includes(permission));
}

export function permissionMatrix(): Record<Role, readonly Permission[]> {
  return MATRIX;
}
