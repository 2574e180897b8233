import * as z from 'zod/mini';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, ulidId } from './common';
import { customerSchema } from './customers';

/** Contracts of merge, unmerge and the duplicate candidates queue. */
export const mergeRecordSchema = once(() =>
  z.object({
    id: z.string(),
    targetId: ulidId(),
    sourceId: ulidId(),
    status: z.enum(['moving', 'done', 'undoing', 'undone']),
    actorId: z.string(),
    createdAt: isoDateTime(),
    undoneAt: z.optional(isoDateTime()),
    movedItems: z.optional(z.int()),
  }),
);

export const mergeCustomers = defineRoute({
  operationId: 'mergeCustomers',
  method: 'POST',
  path: '/v1/customers/{id}/merge',
  permission: 'customers:merge',
  summary: 'Merge the source profile into this one: identities, orders, interactions, tickets and tags move; undo with /unmerge',
  tag: 'Dedup and merge',
  params: idParams,
  body: () => z.strictObject({ sourceId: ulidId() }),
  response: () => z.object({ merge: mergeRecordSchema(), customer: customerSchema() }),
  status: 200,
});

export const unmergeCustomers = defineRoute({
  operationId: 'unmergeCustomers',
  method: 'POST',
  path: '/v1/customers/{id}/unmerge',
  permission: 'customers:merge',
  summary: 'Undo a merge into this profile: the source comes back with what the merge moved',
  tag: 'Dedup and merge',
  params: idParams,
  body: () => z.strictObject({ mergeId: z.string().check(z.minLength(1), z.maxLength(64)) }),
  response: () => z.object({ merge: mergeRecordSchema(), customer: customerSchema(), restored: customerSchema() }),
  status: 200,
});

export const listMerges = defineRoute({
  operationId: 'listMerges',
  method: 'GET',
  path: '/v1/customers/{id}/merges',
  permission: 'customers:read',
  summary: 'The merges into this profile, newest first',
  tag: 'Dedup and merge',
  params: idParams,
  response: () => z.object({ items: z.array(mergeRecordSchema()) }),
  status: 200,
});

export const duplicateSchema = once(() =>
  z.object({
    id: z.string(),
    customerIds: z.tuple([z.string(), z.string()]),
    reasons: z.array(z.string()),
    status: z.enum(['open', 'dismissed', 'merged']),
    detectedAt: isoDateTime(),
    resolvedAt: z.optional(isoDateTime()),
    resolvedBy: z.optional(z.string()),
  }),
);

export const listDuplicates = defineRoute({
  operationId: 'listDuplicates',
  method: 'GET',
  path: '/v1/duplicates',
  permission: 'customers:read',
  summary: 'Duplicate candidates for review (same name and city, same phone with another email, ...)',
  tag: 'Dedup and merge',
  query: () => z.strictObject({ ...pageQuery(), status: z._default(z.enum(['open', 'dismissed', 'merged']), 'open') }),
  response: () => pageOf(duplicateSchema()),
  status: 200,
});

export const dismissDuplicate = defineRoute({
  operationId: 'dismissDuplicate',
  method: 'POST',
  path: '/v1/duplicates/{id}/dismiss',
  permission: 'customers:merge',
  summary: 'Mark a candidate pair as not the same person',
  tag: 'Dedup and merge',
  params: () => z.strictObject({ id: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}\.[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a duplicate candidate id')) }),
  response: duplicateSchema,
  status: 200,
});
