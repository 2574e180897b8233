import * as z from 'zod/mini';
import { GRANT_LIMITS, OPERATION_ID, ROUTE_FAMILY, USER_LIMITS, USER_ROLES, USER_STATUSES } from '../domain/users';
import { defineRoute, once } from './contract';
import { BURST_PER_SECOND_LIMITS, RATE_PER_MINUTE_LIMITS } from '../domain/rate-limit';
import { isoDateTime, pageOf, pageQuery, text } from './common';

/**
 * Contracts of users administration and integration clients' grants (issue 7): invite, list,
 * read, change (roles, manager, name), disable and enable people; set what each machine client
 * may call. All need `users:admin`.
 */
const sub = () => z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.@:+-]{0,127}$/, 'must be a user id (the sub of their token)'));
const clientId = () => z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'must be an app client id'));
const role = () => z.enum(USER_ROLES);
const groupSlug = () => z.string().check(z.regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be a group id'));

export const userSchema = once(() =>
  z.object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    roles: z.array(z.string()),
    managerId: z.optional(z.string()),
    status: z.enum(USER_STATUSES),
    serviceGroups: z.optional(z.array(z.string())),
    invitedAt: isoDateTime(),
    invitedBy: z.string(),
    lastInvitedAt: z.optional(isoDateTime()),
    disabledAt: z.optional(isoDateTime()),
    disabledBy: z.optional(z.string()),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    version: z.int(),
  }),
);
const invitedSchema = once(() => z.extend(userSchema(), { invitation: z.enum(['sent', 'adopted', 'none']) }));
const userParams = once(() => z.strictObject({ id: sub() }));

export const inviteUser = defineRoute({
  operationId: 'inviteUser',
  method: 'POST',
  path: '/v1/users',
  permission: 'users:admin',
  summary: 'Invite a person: e-mail, name, roles, optional manager and service groups. In AWS Cognito e-mails a temporary password (`invitation: sent`; someone already in the user pool is adopted, `adopted`); agents and managers join the agent directory. 409 when the e-mail has a user',
  tag: 'Users',
  body: () =>
    z.strictObject({
      email: z.string().check(z.trim(), z.minLength(3), z.maxLength(254)),
      name: text(USER_LIMITS.name),
      roles: z.array(role()).check(z.minLength(1), z.maxLength(USER_ROLES.length)),
      managerId: z.optional(sub()),
      serviceGroups: z.optional(z.array(groupSlug()).check(z.maxLength(USER_LIMITS.serviceGroups))),
    }),
  response: invitedSchema,
  status: 201,
  idempotent: true,
});

export const listUsers = defineRoute({
  operationId: 'listUsers',
  method: 'GET',
  path: '/v1/users',
  permission: 'users:admin',
  summary: 'The users, oldest first: all, or those of one `status` (active, disabled)',
  tag: 'Users',
  query: () => z.strictObject({ status: z.optional(z.enum(USER_STATUSES)), ...pageQuery() }),
  response: () => pageOf(userSchema()),
  status: 200,
});

export const getUser = defineRoute({
  operationId: 'getUser',
  method: 'GET',
  path: '/v1/users/{id}',
  permission: 'users:admin',
  summary: 'One user',
  tag: 'Users',
  params: userParams,
  response: userSchema,
  status: 200,
});

export const updateUser = defineRoute({
  operationId: 'updateUser',
  method: 'PATCH',
  path: '/v1/users/{id}',
  permission: 'users:admin',
  summary: 'Change roles, manager (`null` removes; their agent record follows in the same transaction) or name; send the `version` you read (409 when it changed). Roles take effect within a minute',
  tag: 'Users',
  params: userParams,
  body: () =>
    z.strictObject({
      name: z.optional(text(USER_LIMITS.name)),
      roles: z.optional(z.array(role()).check(z.minLength(1), z.maxLength(USER_ROLES.length))),
      managerId: z.optional(z.nullable(sub())),
      version: z.int().check(z.positive()),
    }),
  response: userSchema,
  status: 200,
});

export const disableUser = defineRoute({
  operationId: 'disableUser',
  method: 'POST',
  path: '/v1/users/{id}/disable',
  permission: 'users:admin',
  summary: 'Disable a user: every request of theirs is refused (401) within a minute, even with an unexpired token; sign-in stops and refresh tokens are revoked; their agent record becomes inactive',
  tag: 'Users',
  params: userParams,
  response: userSchema,
  status: 200,
});

export const enableUser = defineRoute({
  operationId: 'enableUser',
  method: 'POST',
  path: '/v1/users/{id}/enable',
  permission: 'users:admin',
  summary: 'Enable a disabled user again',
  tag: 'Users',
  params: userParams,
  response: userSchema,
  status: 200,
});

export const resendInvitation = defineRoute({
  operationId: 'resendInvitation',
  method: 'POST',
  path: '/v1/users/{id}/invitation',
  permission: 'users:admin',
  summary: 'Send the invitation again (a new temporary password; the first expires after 3 days); 409 once they have signed in',
  tag: 'Users',
  params: userParams,
  response: invitedSchema,
  status: 200,
});

const grantSchema = once(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    operations: z.array(z.string()),
    families: z.array(z.string()),
    active: z.boolean(),
    // Per-client throttling (issue 7): the grant's own limit, and the one that applies (null: trusted by configuration, not counted).
    ratePerMinute: z.optional(z.int()),
    burstPerSecond: z.optional(z.int()),
    effectiveRatePerMinute: z.nullable(z.int()),
    effectiveBurstPerSecond: z.nullable(z.int()),
    trustedByConfiguration: z.boolean(),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    updatedBy: z.string(),
    version: z.int(),
  }),
);
const clientParams = once(() => z.strictObject({ clientId: clientId() }));

export const putIntegrationClient = defineRoute({
  operationId: 'putIntegrationClient',
  method: 'PUT',
  path: '/v1/integration-clients/{clientId}',
  permission: 'users:admin',
  summary: 'Set what an integration client (the `client_id` of its tokens) may call: route `operations` (operationIds) and `families` (first path segment under /v1, e.g. `customers`); `active: false` revokes all. Without a grant a client is refused every route. `ratePerMinute` (1-30000) limits its requests per minute and `burstPerSecond` (1-500, at most ratePerMinute) those in any one second (429 with Retry-After beyond either; absent: the defaults, 600 a minute and a tenth of the minute a second, at least 10). Send `version` to change one',
  tag: 'Users',
  params: clientParams,
  body: () =>
    z.strictObject({
      name: text(100),
      operations: z.array(z.string().check(z.regex(OPERATION_ID, 'must be a route operationId'))).check(z.maxLength(GRANT_LIMITS.operations)),
      families: z.array(z.string().check(z.regex(ROUTE_FAMILY, 'must be a route family'))).check(z.maxLength(GRANT_LIMITS.families)),
      active: z.optional(z.boolean()),
      // Per-client throttling (issue 7): requests per minute; absent, the configured default (CRM_INTEGRATION_RATE_PER_MINUTE).
      ratePerMinute: z.optional(z.int().check(z.gte(RATE_PER_MINUTE_LIMITS.min), z.lte(RATE_PER_MINUTE_LIMITS.max))),
      burstPerSecond: z.optional(z.int().check(z.gte(BURST_PER_SECOND_LIMITS.min), z.lte(BURST_PER_SECOND_LIMITS.max))),
      version: z.optional(z.int().check(z.nonnegative())),
    }),
  response: grantSchema,
  status: 200,
});

export const getIntegrationClient = defineRoute({
  operationId: 'getIntegrationClient',
  method: 'GET',
  path: '/v1/integration-clients/{clientId}',
  permission: 'users:admin',
  summary: "One integration client's grant",
  tag: 'Users',
  params: clientParams,
  response: grantSchema,
  status: 200,
});

export const listIntegrationClients = defineRoute({
  operationId: 'listIntegrationClients',
  method: 'GET',
  path: '/v1/integration-clients',
  permission: 'users:admin',
  summary: "The integration clients' grants by client id",
  tag: 'Users',
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(grantSchema()),
  status: 200,
});
