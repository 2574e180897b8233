import { z } from 'zod';
import { CONSENT_CHANNELS, GENDERS, LIMITS } from '../domain/customer';
import { defineRoute } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, slug, ulidId } from './common';

/** Contracts of the customer profile routes. Bodies are strict: unknown fields are refused. */
const text = (max: number) => z.string().trim().min(1).max(max);
const birthday = z.iso
  .date()
  .refine((d) => d >= '1900-01-01', 'must be after 1900-01-01')
  .refine((d) => Date.parse(d) <= Date.now(), 'must not be in the future');
const consentInput = z.strictObject({ granted: z.boolean(), source: text(64).optional() });
const platformIdInput = z.strictObject({ platform: slug, store: text(255), id: z.string().regex(/^[A-Za-z0-9_:./-]{1,128}$/, 'must be 1-128 letters, digits or _:./-') });
const attributeValue = z.union([z.string().max(1000), z.number().finite(), z.boolean(), z.null()]);
const attributes = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'attribute names are letters, digits and _'), attributeValue)
  .refine((a) => Object.keys(a).length <= LIMITS.attributes, `at most ${LIMITS.attributes} custom attributes`);

const fields = {
  name: text(200),
  email: z.string().trim().min(3).max(254),
  phone: z.string().trim().min(3).max(32),
  gender: z.enum(GENDERS),
  birthday,
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as CN or US'),
  region: text(100),
  city: text(100),
  sourceChannel: slug,
  store: text(255),
  externalId: text(128),
  platformIds: z.array(platformIdInput).max(20),
  consent: z.strictObject(Object.fromEntries(CONSENT_CHANNELS.map((c) => [c, consentInput.optional()])) as Record<(typeof CONSENT_CHANNELS)[number], z.ZodOptional<typeof consentInput>>),
  tags: z.array(text(LIMITS.tagLength)).max(LIMITS.tags),
  attributes,
};

export const customerCreateBody = z.strictObject(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof fields]: z.ZodOptional<(typeof fields)[K]> });
export const customerPatchBody = z.strictObject({
  version: z.number().int().positive(),
  ...(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.nullable().optional()])) as { [K in keyof typeof fields]: z.ZodOptional<z.ZodNullable<(typeof fields)[K]>> }),
});

const consentOut = z.object({ granted: z.boolean(), updatedAt: isoDateTime, source: z.string() });
export const customerSchema = z.object({
  id: ulidId,
  name: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  gender: z.enum(GENDERS).optional(),
  birthday: z.string().optional(),
  country: z.string().optional(),
  region: z.string().optional(),
  city: z.string().optional(),
  sourceChannel: z.string().optional(),
  store: z.string().optional(),
  externalId: z.string().optional(),
  platformIds: z.array(z.object({ platform: z.string(), store: z.string(), id: z.string() })),
  consent: z.record(z.string(), consentOut),
  tags: z.array(z.string()),
  attributes: z.record(z.string(), attributeValue),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  version: z.number().int(),
  status: z.enum(['active', 'deleted', 'merged']),
  deletedAt: isoDateTime.optional(),
  purgeAt: isoDateTime.optional(),
  mergedInto: z.string().optional(),
});

const searchQuery = z.strictObject({
  ...pageQuery,
  email: z.string().max(254).optional(),
  phone: z.string().max(32).optional(),
  externalId: z.string().max(128).optional(),
  platform: slug.optional(),
  store: z.string().max(255).optional(),
  platformId: z.string().max(128).optional(),
  name: z.string().trim().min(1).max(200).optional(),
});

export const createCustomer = defineRoute({
  operationId: 'createCustomer',
  method: 'POST',
  path: '/v1/customers',
  permission: 'customers:write',
  summary: 'Create a customer profile (409 naming the existing profile on a duplicate email, phone or platform id)',
  tag: 'Customers',
  body: customerCreateBody,
  response: customerSchema,
  status: 201,
  idempotent: true,
});

export const listCustomers = defineRoute({
  operationId: 'listCustomers',
  method: 'GET',
  path: '/v1/customers',
  permission: 'customers:read',
  summary: 'List live customers newest first, or search by email, phone, external id, platform id or name prefix',
  tag: 'Customers',
  query: searchQuery,
  response: pageOf(customerSchema),
  status: 200,
});

export const getCustomer = defineRoute({
  operationId: 'getCustomer',
  method: 'GET',
  path: '/v1/customers/{id}',
  permission: 'customers:read',
  summary: 'Read one customer profile',
  tag: 'Customers',
  params: idParams,
  response: customerSchema,
  status: 200,
});

export const updateCustomer = defineRoute({
  operationId: 'updateCustomer',
  method: 'PATCH',
  path: '/v1/customers/{id}',
  permission: 'customers:write',
  summary: 'Change fields of a profile; send the version you read (409 when it changed meanwhile); null clears a field',
  tag: 'Customers',
  params: idParams,
  body: customerPatchBody,
  response: customerSchema,
  status: 200,
});

export const deleteCustomer = defineRoute({
  operationId: 'deleteCustomer',
  method: 'DELETE',
  path: '/v1/customers/{id}',
  permission: 'customers:delete',
  summary: 'Move a profile to the recycle bin (restorable for 30 days, then purged)',
  tag: 'Recycle bin',
  params: idParams,
  response: customerSchema,
  status: 200,
});

export const restoreCustomer = defineRoute({
  operationId: 'restoreCustomer',
  method: 'POST',
  path: '/v1/customers/{id}/restore',
  permission: 'customers:delete',
  summary: 'Bring a profile back from the recycle bin (409 if its email or phone was taken meanwhile)',
  tag: 'Recycle bin',
  params: idParams,
  response: customerSchema,
  status: 200,
});

export const listRecycleBin = defineRoute({
  operationId: 'listRecycleBin',
  method: 'GET',
  path: '/v1/recycle-bin/customers',
  permission: 'customers:delete',
  summary: 'Profiles in the recycle bin, most recently deleted first',
  tag: 'Recycle bin',
  query: z.strictObject(pageQuery),
  response: pageOf(customerSchema),
  status: 200,
});
