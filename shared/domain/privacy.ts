import type { Customer } from './customer';
import { DomainError } from './errors';

/**
 * Data-subject requests (issue 7; GDPR art. 15/17/20, PIPL art. 45/47): a copy of everything held
 * about one customer, or its erasure. Each is recorded with its source and a deadline (one month),
 * run in the background, and audited.
 */
export const PRIVACY_KINDS = ['export', 'erasure', 'shop-erasure'] as const;
export type PrivacyKind = (typeof PRIVACY_KINDS)[number];
/**
 * What a caller may ask for about one person. `shop-erasure` is made only by Shopify's
 * `shop/redact` (a store uninstalled the app): the erasure of that store's customers, one
 * `erasure` request each (./privacy-shop.ts).
 */
export const SUBJECT_PRIVACY_KINDS = ['export', 'erasure'] as const;
export const PRIVACY_STATUSES = ['received', 'running', 'completed', 'failed'] as const;
export type PrivacyStatus = (typeof PRIVACY_STATUSES)[number];

/** GDPR: one month; we count 30 days from receipt. */
export const PRIVACY_DEADLINE_DAYS = 30;

export interface PrivacyRequest {
  id: string;
  kind: PrivacyKind;
  /** The customer (the profile holding the data now); absent for a person who only ever was a lead. */
  customerId?: string;
  /** The lead named by the request (a person who only ever was a lead, or the lead a customer came from). */
  leadId?: string;
  status: PrivacyStatus;
  source: { kind: 'api' } | { kind: 'platform'; platform: string; store: string; request: string };
  reason?: string;
  requestedBy: string;
  receivedAt: string;
  dueAt: string;
  startedAt?: string;
  completedAt?: string;
  /** What was exported or erased, per section: item counts. */
  result?: Record<string, number>;
  /** Export: the file in the transfer store. */
  fileKey?: string;
  /** Export: its file was removed by this erasure (request id), then; its download answers 410. */
  fileRemovedAt?: string;
  fileRemovedBy?: string;
  error?: string;
  attempts: number;
  updatedAt: string;
}

export const ERASED_TEXT = '[erased]';

/**
 * The anonymized profile an erasure leaves: the id, what reports group by (source channel,
 * store, country, region, tags), the dates and the counters' owner stay; everything that can name
 * or reach the person goes (name, contact, birthday, ids on platforms, city, gender, custom
 * attributes, consent decisions).
 */
export function anonymizedProfile(c: Customer, now: string): Customer {
  return {
    id: c.id,
    ...(c.country ? { country: c.country } : {}),
    ...(c.region ? { region: c.region } : {}),
    ...(c.sourceChannel ? { sourceChannel: c.sourceChannel } : {}),
    ...(c.store ? { store: c.store } : {}),
    platformIds: [],
    consent: {},
    tags: c.tags,
    attributes: {},
    createdAt: c.createdAt,
    updatedAt: now,
    version: c.version + 1,
    status: c.status,
    ...(c.deletedAt ? { deletedAt: c.deletedAt } : {}),
    ...(c.purgeAt ? { purgeAt: c.purgeAt } : {}),
    ...(c.mergedInto ? { mergedInto: c.mergedInto } : {}),
    erasedAt: now,
  } as Customer;
}

/** Free-text and contact fields of the records around a customer that an erasure blanks. */
export const FREE_TEXT_FIELDS = ['summary', 'notes', 'note', 'body', 'text', 'html', 'preheader', 'content', 'description', 'subject', 'comment', 'message', 'reason', 'outcome'] as const;
export const CONTACT_FIELDS = ['name', 'email', 'phone', 'to', 'address', 'firstName', 'lastName', 'contactName', 'requesterEmail', 'requesterName', 'requesterPhone', 'ip', 'userAgent'] as const;

/** A copy of a record with free text and contact fields blanked, at any depth (ids, amounts and dates stay). */
export function scrubbed<T>(value: T): T {
  if (Array.isArray(value)) return value.map(scrubbed) as T;
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if ((CONTACT_FIELDS as readonly string[]).includes(k)) continue;
    if ((FREE_TEXT_FIELDS as readonly string[]).includes(k) && typeof v === 'string') out[k] = ERASED_TEXT;
    else out[k] = scrubbed(v);
  }
  return out as T;
}

export function dueAt(receivedAt: string): string {
  return new Date(Date.parse(receivedAt) + PRIVACY_DEADLINE_DAYS * 86_400_000).toISOString();
}

export const isOverdue = (r: Pick<PrivacyRequest, 'status' | 'dueAt'>, now: string) => r.status !== 'completed' && r.dueAt < now;

/**
 * The answer about an export file an erasure removed (a data-subject export of the person, or a
 * customer CSV made before the erasure): 410 Gone with `reason: erased`, never a link to nothing.
 */
export function removedByErasure(what: string, removedAt: string, extra: Record<string, unknown> = {}): DomainError {
  return new DomainError(410, 'Gone', `${what} was removed by a data-subject erasure on ${removedAt}: it held personal data of the person erased.`, { reason: 'erased', removedAt, ...extra });
}
