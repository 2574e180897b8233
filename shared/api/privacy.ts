import * as z from 'zod/mini';
import { PRIVACY_KINDS, PRIVACY_STATUSES, SUBJECT_PRIVACY_KINDS } from '../domain/privacy';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageQuery, text, ulidId } from './common';

/** Contracts of data-subject requests: an export of everything held about a customer, or its erasure (issue 7). */
const requestSchema = once(() =>
  z.object({
    id: z.string(),
    kind: z.enum(PRIVACY_KINDS),
    customerId: z.optional(z.string()),
    leadId: z.optional(z.string()),
    status: z.enum(PRIVACY_STATUSES),
    source: z.object({ kind: z.string(), platform: z.optional(z.string()), store: z.optional(z.string()), request: z.optional(z.string()) }),
    reason: z.optional(z.string()),
    requestedBy: z.string(),
    receivedAt: isoDateTime(),
    dueAt: isoDateTime(),
    overdue: z.boolean(),
    startedAt: z.optional(isoDateTime()),
    completedAt: z.optional(isoDateTime()),
    result: z.optional(z.record(z.string(), z.int())),
    error: z.optional(z.string()),
    attempts: z.int(),
    download: z.optional(z.object({ url: z.string(), expiresAt: isoDateTime() })),
    /** An export whose file an erasure of the person removed (that erasure's request id); GET of it answers 410. */
    fileRemovedAt: z.optional(isoDateTime()),
    fileRemovedBy: z.optional(z.string()),
  }),
);

export const createPrivacyRequest = defineRoute({
  operationId: 'createPrivacyRequest',
  method: 'POST',
  path: '/v1/privacy-requests',
  permission: 'privacy:admin',
  summary: 'A data-subject request about a customer (`customerId`) or a person who only ever was a lead (`leadId`): `export` (a JSON file of everything held about them) or `erasure` (personal data removed everywhere, anonymized aggregates kept); runs in the background, due in 30 days',
  tag: 'Security',
  body: () => z.strictObject({ kind: z.enum(SUBJECT_PRIVACY_KINDS), customerId: z.optional(ulidId()), leadId: z.optional(ulidId()), reason: z.optional(text(500)) }),
  response: requestSchema,
  status: 202,
  throttle: { rateLimit: 1, burstLimit: 5 },
  idempotent: true,
  audit: 'privacy',
});

export const listPrivacyRequests = defineRoute({
  operationId: 'listPrivacyRequests',
  method: 'GET',
  path: '/v1/privacy-requests',
  permission: 'privacy:admin',
  summary: 'Data-subject requests in one status (default `received`), soonest deadline first, each with `overdue`',
  tag: 'Security',
  query: () => z.strictObject({ status: z._default(z.enum(PRIVACY_STATUSES), 'received'), ...pageQuery() }),
  response: () => z.object({ items: z.array(requestSchema()), cursor: z.optional(z.string()) }),
  status: 200,
});

export const getPrivacyRequest = defineRoute({
  operationId: 'getPrivacyRequest',
  method: 'GET',
  path: '/v1/privacy-requests/{id}',
  permission: 'privacy:admin',
  summary: 'One data-subject request; a completed export carries a 15-minute download URL (the download is recorded in the audit trail); an export whose file a later erasure of the person removed answers 410 (`reason: erased`); a shop erasure (Shopify shop/redact) reports `customersVisited`, `customersErased`, `customersDetached` and `identitiesDetached`',
  tag: 'Security',
  params: idParams,
  response: requestSchema,
  status: 200,
  audit: 'export',
});
