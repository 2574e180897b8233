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
  // Campaigns and journeys (issue 6): templates, campaigns, journeys, coupons, suppression, channel settings
  'marketing:read',
  'marketing:write',
  'marketing:send',
  // Sales pipeline (issue 8): leads, the public pool, opportunities, quotes, contracts, collections
  'pipeline:read',
  'pipeline:write',
  // See and act on every rep's leads and deals, not only one's own and the public pool
  'pipeline:all',
  'pipeline:admin',
  'pipeline:reports',
  // Sales pipeline (issue 8): leads from website forms and integrations (POST /v1/lead-intake), nothing else
  'pipeline:intake',
  // Security and privacy (issue 7): the audit trail, revealing a masked field, users and roles
  'audit:read',
  'pii:reveal',
  'users:admin',
  // Data-subject requests: exports and erasures
  'privacy:admin',
  // Analytics (issue 9): the reports and the dashboard; marketing costs, on-demand snapshots and lake exports
  'analytics:read',
  'analytics:manage',
  // Ticket visibility (issue 7): every ticket; without it tickets:read sees one's groups' and one's own (shared/domain/service/visibility.ts)
  'tickets:all',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const MATRIX: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  manager: ['customers:read', 'customers:write', 'customers:delete', 'customers:merge', 'interactions:write', 'pii:read', 'tickets:read', 'tickets:write', 'tasks:read', 'tasks:write', 'notifications:read', 'service:admin', 'service:reports', 'segments:read', 'segments:write', 'tags:write', 'settings:write', 'marketing:read', 'marketing:write', 'marketing:send', 'pipeline:read', 'pipeline:write', 'pipeline:all', 'pipeline:admin', 'pipeline:reports', 'audit:read', 'pii:reveal', 'privacy:admin'],
  marketer: ['customers:read', 'customers:write', 'pii:reveal', 'tasks:read', 'tasks:write', 'notifications:read', 'segments:read', 'segments:write', 'tags:write', 'marketing:read', 'marketing:write', 'marketing:send'],
  agent: ['customers:read', 'customers:write', 'interactions:write', 'pii:read', 'tickets:read', 'tickets:write', 'tasks:read', 'tasks:write', 'notifications:read'],
  sales: ['customers:read', 'customers:write', 'interactions:write', 'pii:read', 'tickets:read', 'tasks:read', 'tasks:write', 'notifications:read', 'pipeline:read', 'pipeline:write'],
  analyst: ['customers:read', 'notifications:read', 'service:reports', 'segments:read', 'marketing:read', 'pipeline:read', 'pipeline:all', 'pipeline:reports'],
  integration: ['customers:read', 'customers:write', 'interactions:write', 'pii:read', 'tickets:read', 'tickets:write', 'pipeline:intake'],
};

// Analytics (issue 9): who reads the KPIs and dashboard, and who enters costs and starts snapshots or lake exports (admin has every permission).
const ANALYTICS_GRANTS: Partial<Record<Role, readonly Permission[]>> = {
  manager: ['analytics:read', 'analytics:manage'],
  marketer: ['analytics:read', 'analytics:manage'],
  analyst: ['analytics:read', 'analytics:manage'],
};
for (const [role, grants] of Object.entries(ANALYTICS_GRANTS) as [Role, readonly Permission[]][]) MATRIX[role] = [...MATRIX[role], ...grants];

// Ticket visibility (issue 7): who sees every ticket — managers, sales reps (read-only: they have no tickets:write) and machine clients; an agent sees their groups' and their own (admin has every permission).
const TICKET_VISIBILITY_GRANTS: Partial<Record<Role, readonly Permission[]>> = {
  manager: ['tickets:all'],
  sales: ['tickets:all'],
  integration: ['tickets:all'],
};
for (const [role, grants] of Object.entries(TICKET_VISIBILITY_GRANTS) as [Role, readonly Permission[]][]) MATRIX[role] = [...MATRIX[role], ...grants];

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

/** Personal fields of a profile, masked in every answer for roles that may not see them. */
export const PII_FIELDS = ['name', 'email', 'phone', 'birthday', 'externalId'] as const;
export type PiiField = (typeof PII_FIELDS)[number];

/**
 * Which personal fields each role sees in plain text (field-level masking). Roles that serve or
 * sell to a customer see them all; a marketer sees the name (to check personalization) and
 * reveals the rest one at a time with a reason; an analyst sees none.
 */
const PII_VISIBLE: Record<Role, readonly PiiField[]> = {
  admin: PII_FIELDS,
  manager: PII_FIELDS,
  agent: PII_FIELDS,
  sales: PII_FIELDS,
  integration: PII_FIELDS,
  marketer: ['name'],
  analyst: [],
};

export function visiblePii(roles: readonly Role[]): Set<PiiField> {
  return new Set(roles.flatMap((r) => PII_VISIBLE[r]));
}

export function piiVisibility(): Record<Role, readonly PiiField[]> {
  return PII_VISIBLE;
}
