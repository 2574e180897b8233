import * as z from 'zod/mini';
import { LIMITS } from '../domain/customer';
import { TAG_CATEGORIES } from '../domain/segmentation/definitions';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, text, ulidId } from './common';
import { customerSchema, customerSearchFields } from './customers';
import { jobSchema } from './jobs';

/**
 * Contracts of the tag catalog (标签), manual tags on one customer, and bulk tag jobs. A tag's
 * name is its identifier (unique ignoring case, 1-64 characters, no "/"); a rule tag's condition is
 * checked by the condition language (`condition.any[0].value: ...`).
 */
const tagName = () => text(LIMITS.tagLength).check(z.regex(/^[^/\u0000-\u001f\u007f]+$/, 'must not contain "/" or control characters'));
const tagList = () => z._default(z.array(text(LIMITS.tagLength)).check(z.maxLength(LIMITS.tags)), []);
const condition = () => z.unknown().check(z.describe('A condition tree (docs/conditions.md); the tag is applied while it holds and removed when it stops holding'));

export const tagSchema = once(() =>
  z.object({
    name: z.string(),
    category: z.enum(TAG_CATEGORIES),
    description: z.optional(z.string()),
    rule: z.boolean(),
    condition: z.optional(z.record(z.string(), z.unknown())),
    version: z.int(),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    members: z.optional(z.int()),
    links: z.object({ self: z.string() }),
  }),
);
const tagWithJob = once(() => z.object({ ...tagSchema().shape, job: z.optional(jobSchema()) }));
const nameParams = once(() => z.strictObject({ name: tagName() }));

export const createTag = defineRoute({
  operationId: 'createTag',
  method: 'POST',
  path: '/v1/tags',
  permission: 'tags:write',
  summary: 'Add a tag to the catalog; with a condition it is a rule tag, applied and removed automatically (a job applies it to everyone now)',
  tag: 'Tags',
  body: () => z.strictObject({ name: tagName(), category: z.enum(TAG_CATEGORIES), description: z.optional(text(1000)), condition: z.optional(condition()) }),
  response: tagWithJob,
  status: 201,
  idempotent: true,
});

export const listTags = defineRoute({
  operationId: 'listTags',
  method: 'GET',
  path: '/v1/tags',
  permission: 'customers:read',
  summary: 'The tag catalog by name, optionally of one category, with how many customers carry each tag',
  tag: 'Tags',
  query: () => z.strictObject({ ...pageQuery(), category: z.optional(z.enum(TAG_CATEGORIES)) }),
  response: () => pageOf(tagSchema()),
  status: 200,
});

export const getTag = defineRoute({
  operationId: 'getTag',
  method: 'GET',
  path: '/v1/tags/{name}',
  permission: 'customers:read',
  summary: 'One tag of the catalog (the name is matched ignoring case), with how many customers carry it',
  tag: 'Tags',
  params: nameParams,
  response: tagSchema,
  status: 200,
});

export const updateTag = defineRoute({
  operationId: 'updateTag',
  method: 'PATCH',
  path: '/v1/tags/{name}',
  permission: 'tags:write',
  summary: 'Edit a tag; send the version you read (409 when it changed meanwhile). A new condition is backfilled; condition null makes it a manual tag',
  tag: 'Tags',
  params: nameParams,
  body: () =>
    z.strictObject({
      version: z.int().check(z.positive()),
      category: z.optional(z.enum(TAG_CATEGORIES)),
      description: z.optional(z.nullable(text(1000))),
      condition: z.optional(z.nullable(condition())),
    }),
  response: tagWithJob,
  status: 200,
});

export const deleteTag = defineRoute({
  operationId: 'deleteTag',
  method: 'DELETE',
  path: '/v1/tags/{name}',
  permission: 'tags:write',
  summary: 'Remove a tag from the catalog (a rule stops); customers keep it unless removeFromCustomers=true, which starts a job taking it off',
  tag: 'Tags',
  params: nameParams,
  query: () => z.strictObject({ removeFromCustomers: z._default(z.enum(['true', 'false']), 'false') }),
  response: () => z.object({ tag: tagSchema(), job: z.optional(jobSchema()) }),
  status: 200,
});

export const changeCustomerTags = defineRoute({
  operationId: 'changeCustomerTags',
  method: 'POST',
  path: '/v1/customers/{id}/tags',
  permission: 'tags:write',
  summary: "Add and remove manual tags on one customer (rule tags are refused: their condition sets them)",
  tag: 'Tags',
  params: idParams,
  body: () => z.strictObject({ add: tagList(), remove: tagList() }),
  response: customerSchema,
  status: 200,
  idempotent: true,
});

export const createTagJob = defineRoute({
  operationId: 'createTagJob',
  method: 'POST',
  path: '/v1/tag-jobs',
  permission: 'tags:write',
  summary: 'Add and remove manual tags on everyone in a segment, found by a search, or all customers: a job with progress (GET /v1/jobs/{id})',
  tag: 'Tags',
  body: () =>
    z.strictObject({
      add: tagList(),
      remove: tagList(),
      target: z.strictObject({ segmentId: z.optional(ulidId()), search: z.optional(z.strictObject(customerSearchFields())), all: z.optional(z.literal(true)) }),
    }),
  response: jobSchema,
  status: 202,
  idempotent: true,
});
