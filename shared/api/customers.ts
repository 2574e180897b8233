import * as z from 'zod/mini';
import { CONSENT_CHANNELS, GENDERS, isIanaTimeZone, LIMITS } from '../domain/customer';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, slug, text, ulidId } from './common';

/** Contracts of the customer profile routes. Bodies are strict: unknown fields are refused. */
const attributeValue = () => z.union([z.string().check(z.maxLength(1000)), z.number(), z.boolean(), z.null()]);

const fields = once(() => {
  const consentInput = z.strictObject({ granted: z.boolean(), source: z.optional(text(64)) });
  return {
    name: text(200),
    email: z.string().check(z.trim(), z.minLength(3), z.maxLength(254)),
    phone: z.string().check(z.trim(), z.minLength(3), z.maxLength(32)),
    gender: z.enum(GENDERS),
    birthday: z.iso.date().check(
      z.refine((d) => d >= '1900-01-01', 'must be after 1900-01-01'),
      z.refine((d) => Date.parse(d) <= Date.now(), 'must not be in the future'),
    ),
    country: z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as CN or US')),
    region: text(100),
    city: text(100),
    sourceChannel: slug(),
    store: text(255),
    externalId: text(128),
    platformIds: z
      .array(z.strictObject({ platform: slug(), store: text(255), id: z.string().check(z.regex(/^[A-Za-z0-9_:./-]{1,128}$/, 'must be 1-128 letters, digits or _:./-')) }))
      .check(z.maxLength(20)),
    consent: z.strictObject(Object.fromEntries(CONSENT_CHANNELS.map((c) => [c, z.optional(consentInput)])) as Record<(typeof CONSENT_CHANNELS)[number], z.ZodMiniOptional<typeof consentInput>>),
    tags: z.array(text(LIMITS.tagLength)).check(z.maxLength(LIMITS.tags)),
    attributes: z
      .record(z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'attribute names are letters, digits and _')), attributeValue())
      .check(z.refine((a) => Object.keys(a).length <= LIMITS.attributes, `at most ${LIMITS.attributes} custom attributes`)),
    // Messaging (issue 6): the customer's IANA time zone (quiet hours, local-time sends).
    timeZone: z.string().check(z.maxLength(64), z.refine(isIanaTimeZone, 'must be an IANA time zone such as Asia/Shanghai or Europe/Berlin')),
  };
});
type Fields = ReturnType<typeof fields>;

export const customerCreateBody = once(() =>
  z.strictObject(Object.fromEntries(Object.entries(fields()).map(([k, v]) => [k, z.optional(v)])) as { [K in keyof Fields]: z.ZodMiniOptional<Fields[K]> }),
);
export const customerPatchBody = once(() =>
  z.strictObject({
    version: z.int().check(z.positive()),
    ...(Object.fromEntries(Object.entries(fields()).map(([k, v]) => [k, z.optional(z.nullable(v))])) as { [K in keyof Fields]: z.ZodMiniOptional<z.ZodMiniNullable<Fields[K]>> }),
  }),
);

export const customerSchema = once(() => {
  const opt = z.optional;
  return z.object({
    id: ulidId(),
    name: opt(z.string()),
    email: opt(z.string()),
    phone: opt(z.string()),
    gender: opt(z.enum(GENDERS)),
    birthday: opt(z.string()),
    country: opt(z.string()),
    region: opt(z.string()),
    city: opt(z.string()),
    sourceChannel: opt(z.string()),
    store: opt(z.string()),
    externalId: opt(z.string()),
    platformIds: z.array(z.object({ platform: z.string(), store: z.string(), id: z.string() })),
    consent: z.record(z.string(), z.object({ granted: z.boolean(), updatedAt: isoDateTime(), source: z.string() })),
    tags: z.array(z.string()),
    attributes: z.record(z.string(), attributeValue()),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    version: z.int(),
    status: z.enum(['active', 'deleted', 'merged']),
    deletedAt: opt(isoDateTime()),
    purgeAt: opt(isoDateTime()),
    mergedInto: opt(z.string()),
    // Messaging (issue 6)
    timeZone: opt(z.string()),
  });
});
const customerPage = once(() => pageOf(customerSchema()));

/** The ways to find customers: the list route's query and the export filter take the same fields. */
export const customerSearchFields = () => ({
  email: z.optional(z.string().check(z.maxLength(254))),
  phone: z.optional(z.string().check(z.maxLength(32))),
  externalId: z.optional(z.string().check(z.maxLength(128))),
  platform: z.optional(slug()),
  store: z.optional(z.string().check(z.maxLength(255))),
  platformId: z.optional(z.string().check(z.maxLength(128))),
  name: z.optional(text(200)),
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
  query: () => z.strictObject({ ...pageQuery(), ...customerSearchFields() }),
  response: customerPage,
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
  query: () => z.strictObject(pageQuery()),
  response: customerPage,
  status: 200,
});
