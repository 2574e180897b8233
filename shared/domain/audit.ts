import { maskEmail, maskName, maskPhone } from './masking';

/**
 * The audit trail (issue 7): an append-only record of every write through the API, every denied
 * write, and every reveal or export of personal data — who, when, from where, what, and the
 * before/after of changed fields. Personal values are kept masked in the record (the change is
 * visible, the plaintext is not), so the trail itself never needs erasing and can be kept for its
 * whole retention period.
 */
export const AUDIT_KINDS = ['write', 'denied', 'reveal', 'export', 'privacy'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export interface AuditChange {
  entity: string;
  id: string;
  field: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditRecord {
  id: string;
  at: string;
  kind: AuditKind;
  actor: { sub: string; roles: string[]; clientId?: string };
  source: { ip?: string; userAgent?: string };
  /** The operation (route operationId) and the request line. */
  action: string;
  method: string;
  path: string;
  status: number;
  correlationId: string;
  /** The object acted on: the path's first id, or the id of what a create made. */
  target?: { type: string; id: string };
  /** Top-level fields the request sent (names only). */
  fields?: string[];
  changes?: AuditChange[];
  /** Why (reveals and exports ask for it). */
  reason?: string;
  /** Personal fields handed out in plain text. */
  revealed?: string[];
}

/** Fields holding personal data: masked in before/after values. */
const PII_MASKERS: Record<string, (v: string) => string> = {
  name: maskName,
  firstName: maskName,
  lastName: maskName,
  contactName: maskName,
  email: maskEmail,
  phone: maskPhone,
  mobile: maskPhone,
  birthday: (v) => `${v.slice(0, 7)}-**`,
  externalId: () => '***',
  address: () => '***',
  address1: () => '***',
  address2: () => '***',
  street: () => '***',
  postalCode: () => '***',
  zip: () => '***',
};

const MAX_VALUE_CHARS = 200;

/** A value as the audit record keeps it: personal data masked, long values cut. */
export function auditValue(field: string, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  const mask = PII_MASKERS[field];
  if (mask) return typeof value === 'string' ? mask(value) : '***';
  if (typeof value === 'string') return value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const json = JSON.stringify(value, (k, v) => (k && PII_MASKERS[k] && typeof v === 'string' ? PII_MASKERS[k]!(v) : v));
  return json.length > MAX_VALUE_CHARS ? `${json.slice(0, MAX_VALUE_CHARS)}…` : JSON.parse(json);
}

const SKIP_FIELDS = new Set(['version', 'updatedAt', 'updatedBy', 'createdAt', 'createdBy']);

/** The changed top-level fields between two states of an object, values as `auditValue` keeps them. */
export function diffFields(entity: string, id: string, before: object | undefined, after: object | undefined): AuditChange[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const out: AuditChange[] = [];
  for (const field of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (SKIP_FIELDS.has(field)) continue;
    if (JSON.stringify(b[field]) === JSON.stringify(a[field])) continue;
    out.push({ entity, id, field, ...(b[field] !== undefined ? { before: auditValue(field, b[field]) } : {}), ...(a[field] !== undefined ? { after: auditValue(field, a[field]) } : {}) });
  }
  return out;
}

/**
 * What a request acted on, from its path: `/v1/customers/{id}/merge` → customers/<id>; a create
 * (`POST /v1/tickets`) → tickets/<the new id from the answer>.
 */
export function auditTarget(pathTemplate: string, params: Record<string, unknown> | undefined, responseBody: unknown): { type: string; id: string } | undefined {
  const parts = pathTemplate.split('/').filter(Boolean);
  const type = parts[1] ?? parts[0];
  if (!type) return undefined;
  const firstParam = parts.find((p) => p.startsWith('{'));
  if (firstParam) {
    const value = params?.[firstParam.slice(1, -1)];
    if (typeof value === 'string' && value) return { type, id: value };
  }
  const id = (responseBody as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id ? { type, id } : undefined;
}

/** Top-level field names of a request body (never values: they may be personal data). */
export function bodyFields(body: unknown): string[] | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const keys = Object.keys(body).slice(0, 50);
  return keys.length ? keys : undefined;
}
