import * as z from 'zod/mini';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, text, ulidId } from './common';
import { customerSchema } from './customers';
import { jobSchema } from './jobs';

/**
 * Contracts of segments (客户分群). A segment is a condition tree (docs/conditions.md) checked by
 * the condition language itself, so every bad node is named (`condition.all[2].value`); saving one
 * starts a backfill job. See docs/segments.md.
 */
const condition = () => z.unknown().check(z.describe('A condition tree (docs/conditions.md): a group {"all"|"any": [...]} / {"not": {...}} or a leaf with a "kind"'));

const backfillSchema = once(() =>
  z.object({
    jobId: z.string(),
    status: z.enum(['running', 'done', 'failed']),
    version: z.int(),
    links: z.object({ job: z.string() }),
  }),
);

export const segmentSchema = once(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.optional(z.string()),
    condition: z.record(z.string(), z.unknown()),
    version: z.int(),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    backfill: z.optional(backfillSchema()),
    links: z.object({ self: z.string(), members: z.string(), count: z.string() }),
  }),
);

export const createSegment = defineRoute({
  operationId: 'createSegment',
  method: 'POST',
  path: '/v1/segments',
  permission: 'segments:write',
  summary: 'Create a segment from a condition; its members are backfilled by a job (see backfill) and kept current from then on',
  tag: 'Segments',
  body: () => z.strictObject({ name: text(200), description: z.optional(text(1000)), condition: condition() }),
  response: segmentSchema,
  status: 201,
  idempotent: true,
});

export const listSegments = defineRoute({
  operationId: 'listSegments',
  method: 'GET',
  path: '/v1/segments',
  permission: 'segments:read',
  summary: 'Segments, newest first',
  tag: 'Segments',
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(segmentSchema()),
  status: 200,
});

export const getSegment = defineRoute({
  operationId: 'getSegment',
  method: 'GET',
  path: '/v1/segments/{id}',
  permission: 'segments:read',
  summary: 'One segment, with its condition and the state of its backfill',
  tag: 'Segments',
  params: idParams,
  response: segmentSchema,
  status: 200,
});

export const updateSegment = defineRoute({
  operationId: 'updateSegment',
  method: 'PATCH',
  path: '/v1/segments/{id}',
  permission: 'segments:write',
  summary: 'Edit a segment; send the version you read (409 when it changed meanwhile). A new condition is checked again and backfilled',
  tag: 'Segments',
  params: idParams,
  body: () => z.strictObject({ version: z.int().check(z.positive()), name: z.optional(text(200)), description: z.optional(z.nullable(text(1000))), condition: z.optional(condition()) }),
  response: segmentSchema,
  status: 200,
});

export const deleteSegment = defineRoute({
  operationId: 'deleteSegment',
  method: 'DELETE',
  path: '/v1/segments/{id}',
  permission: 'segments:write',
  summary: 'Delete a segment (409 while another segment uses it); a job removes its membership refs (no SegmentExited events)',
  tag: 'Segments',
  params: idParams,
  response: () => z.object({ segment: segmentSchema(), job: jobSchema() }),
  status: 202,
});

export const previewSegment = defineRoute({
  operationId: 'previewSegment',
  method: 'POST',
  path: '/v1/segments/preview',
  permission: 'segments:read',
  summary: 'How many customers a condition holds and the first 20 of them, before saving it (a bounded scan: exact is false when it stopped at its budget)',
  tag: 'Segments',
  body: () => z.strictObject({ condition: condition() }),
  response: () => z.object({ count: z.int(), sample: z.array(customerSchema()), exact: z.boolean(), scanned: z.int() }),
  status: 200,
  throttle: { rateLimit: 2, burstLimit: 5 },
  // A POST only because the condition is a body: it changes nothing, so it is not an audited write.
  audit: 'skip',
});

export const listSegmentMembers = defineRoute({
  operationId: 'listSegmentMembers',
  method: 'GET',
  path: '/v1/segments/{id}/members',
  permission: 'segments:read',
  summary: "A segment's members by id, with their profiles as the customer list shows them (PII masked without pii:read)",
  tag: 'Segments',
  params: idParams,
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(customerSchema()),
  status: 200,
});

export const countSegment = defineRoute({
  operationId: 'countSegment',
  method: 'GET',
  path: '/v1/segments/{id}/count',
  permission: 'segments:read',
  summary: "How many customers a segment holds now (and whether its backfill is still running)",
  tag: 'Segments',
  params: idParams,
  response: () => z.object({ segmentId: ulidId(), count: z.int(), backfill: z.optional(backfillSchema()) }),
  status: 200,
});
