import * as z from 'zod/mini';
import { AUDIT_KINDS } from '../domain/audit';
import { PII_FIELDS } from '../domain/roles';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, text } from './common';

/** Contracts of the audit trail and of revealing a masked field (issue 7). */
const auditRecordSchema = once(() =>
  z.object({
    id: z.string(),
    at: isoDateTime(),
    kind: z.enum(AUDIT_KINDS),
    actor: z.object({ sub: z.string(), roles: z.array(z.string()), clientId: z.optional(z.string()) }),
    source: z.object({ ip: z.optional(z.string()), userAgent: z.optional(z.string()) }),
    action: z.string(),
    method: z.string(),
    path: z.string(),
    status: z.int(),
    correlationId: z.string(),
    target: z.optional(z.object({ type: z.string(), id: z.string() })),
    fields: z.optional(z.array(z.string())),
    changes: z.optional(z.array(z.object({ entity: z.string(), id: z.string(), field: z.string(), before: z.optional(z.unknown()), after: z.optional(z.unknown()) }))),
    reason: z.optional(z.string()),
    revealed: z.optional(z.array(z.string())),
  }),
);

const ref = () => z.string().check(z.regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'must be 1-128 characters of A-Z a-z 0-9 _ . : @ -'));

export const listAudit = defineRoute({
  operationId: 'listAudit',
  method: 'GET',
  path: '/v1/audit',
  permission: 'audit:read',
  summary: 'The audit trail, newest first: by object (`targetType` + `targetId`), by actor (`actor`), or everything in a period (`from`, `to`; at most 31 days without an object or actor)',
  tag: 'Security',
  query: () =>
    z
      .strictObject({
        targetType: z.optional(z.string().check(z.regex(/^[a-z][a-z0-9-]{0,40}$/, 'must be a route family such as customers or tickets'))),
        targetId: z.optional(ref()),
        actor: z.optional(ref()),
        from: z.optional(isoDateTime()),
        to: z.optional(isoDateTime()),
        limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50),
        cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
      })
      .check(
        z.refine((q) => !!q.targetType === !!q.targetId, { message: 'targetType and targetId go together', path: ['targetId'] }),
        z.refine((q) => !(q.targetId && q.actor), { message: 'give either an object (targetType, targetId) or an actor, not both', path: ['actor'] }),
        z.refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), { message: 'must not be after to', path: ['from'] }),
      ),
  response: () => z.object({ items: z.array(auditRecordSchema()), cursor: z.optional(z.string()) }),
  status: 200,
});

export const revealCustomerFields = defineRoute({
  operationId: 'revealCustomerFields',
  method: 'POST',
  path: '/v1/customers/{id}/reveal',
  permission: 'pii:reveal',
  summary: 'Show masked personal fields of one customer in plain text, with a reason; recorded in the audit trail',
  tag: 'Security',
  params: idParams,
  body: () =>
    z.strictObject({
      fields: z.array(z.enum(PII_FIELDS)).check(z.minLength(1), z.maxLength(PII_FIELDS.length)),
      reason: text(500).check(z.minLength(10, 'must say why, in at least 10 characters')),
    }),
  response: () => z.object({ id: z.string(), fields: z.record(z.string(), z.optional(z.string())) }),
  status: 200,
  throttle: { rateLimit: 1, burstLimit: 5 },
  audit: 'reveal',
});
