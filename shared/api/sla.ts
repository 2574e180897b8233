import * as z from 'zod/mini';
import { TICKET_PRIORITIES, TICKET_TYPES } from '../domain/service/ticket';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, text } from './common';
import { groupId } from './tickets';

/** Contracts of SLA policies and the service settings. */
const calendar = () =>
  z.strictObject({
    timeZone: z.string().check(z.minLength(1), z.maxLength(64)),
    workingDays: z.array(z.int()).check(z.maxLength(7)),
    hours: z.array(z.strictObject({ from: z.string(), to: z.string() })).check(z.maxLength(8)),
    holidays: z._default(z.array(z.string()).check(z.maxLength(400)), []),
    extraWorkingDays: z.optional(z.array(z.string()).check(z.maxLength(100))),
  });

const policyBody = () => ({
  name: text(100),
  position: z.int(),
  active: z.optional(z.boolean()),
  conditions: z.optional(
    z.strictObject({
      priorities: z.optional(z.array(z.enum(TICKET_PRIORITIES))),
      types: z.optional(z.array(z.enum(TICKET_TYPES))),
      tiers: z.optional(z.array(text(64)).check(z.maxLength(20))),
    }),
  ),
  targets: z.strictObject({ firstResponse: z.optional(z.int()), nextResponse: z.optional(z.int()), resolution: z.optional(z.int()) }),
  hours: z.enum(['calendar', 'business']),
  calendar: z.optional(calendar()),
  warnAtShare: z.optional(z.number()),
});

const policySchema = once(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    position: z.int(),
    active: z.boolean(),
    conditions: z.object({ priorities: z.optional(z.array(z.string())), types: z.optional(z.array(z.string())), tiers: z.optional(z.array(z.string())) }),
    targets: z.object({ firstResponse: z.optional(z.int()), nextResponse: z.optional(z.int()), resolution: z.optional(z.int()) }),
    hours: z.enum(['calendar', 'business']),
    calendar: z.optional(z.object({ timeZone: z.string(), workingDays: z.array(z.int()), hours: z.array(z.object({ from: z.string(), to: z.string() })), holidays: z.array(z.string()), extraWorkingDays: z.optional(z.array(z.string())) })),
    warnAtShare: z.optional(z.number()),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    version: z.int(),
  }),
);

export const createSlaPolicy = defineRoute({
  operationId: 'createSlaPolicy',
  method: 'POST',
  path: '/v1/sla-policies',
  permission: 'service:admin',
  summary: 'Create an SLA policy: conditions (priority, type, customer tier), targets in minutes (first response, next response, resolution), calendar or business hours (working days, hours, IANA time zone, holidays); 400 naming overlapping or invalid hours',
  tag: 'SLA',
  body: () => z.strictObject(policyBody()),
  response: policySchema,
  status: 201,
});

export const listSlaPolicies = defineRoute({
  operationId: 'listSlaPolicies',
  method: 'GET',
  path: '/v1/sla-policies',
  permission: 'tickets:read',
  summary: 'The SLA policies in matching order (the first whose conditions hold applies)',
  tag: 'SLA',
  response: () => pageOf(policySchema()),
  status: 200,
});

export const getSlaPolicy = defineRoute({
  operationId: 'getSlaPolicy',
  method: 'GET',
  path: '/v1/sla-policies/{id}',
  permission: 'tickets:read',
  summary: 'One SLA policy',
  tag: 'SLA',
  params: idParams,
  response: policySchema,
  status: 200,
});

export const replaceSlaPolicy = defineRoute({
  operationId: 'replaceSlaPolicy',
  method: 'PUT',
  path: '/v1/sla-policies/{id}',
  permission: 'service:admin',
  summary: 'Replace an SLA policy (send the version you read); tickets already on it keep their deadlines',
  tag: 'SLA',
  params: idParams,
  body: () => z.strictObject({ ...policyBody(), version: z.int().check(z.positive()) }),
  response: policySchema,
  status: 200,
});

export const deleteSlaPolicy = defineRoute({
  operationId: 'deleteSlaPolicy',
  method: 'DELETE',
  path: '/v1/sla-policies/{id}',
  permission: 'service:admin',
  summary: 'Delete an SLA policy (tickets already on it keep their deadlines)',
  tag: 'SLA',
  params: idParams,
  response: policySchema,
  status: 200,
});

const settingsFields = () => ({
  autoCloseDays: z.int(),
  surveyDelayMinutes: z.int(),
  surveyExpiryDays: z.int(),
  surveyLinkBaseUrl: z.string().check(z.maxLength(300)),
  slaWarningShare: z.number(),
  overdueEscalationMinutes: z.int(),
  taskRemindBeforeMinutes: z.int(),
  complaintFollowUpHours: z.int(),
  badRatingFollowUpHours: z.int(),
  attachmentMaxBytes: z.int(),
  attachmentTypes: z.array(z.string()).check(z.maxLength(50)),
  reportTimeZone: z.string().check(z.maxLength(64)),
  careHour: z.int(),
});

const settingsSchema = once(() => z.object({ ...settingsFields(), defaultGroupId: z.optional(z.nullable(z.string())), updatedAt: z.optional(isoDateTime()), version: z.int() }));

export const getServiceSettings = defineRoute({
  operationId: 'getServiceSettings',
  method: 'GET',
  path: '/v1/service-settings',
  permission: 'service:admin',
  summary: 'The service desk settings (auto-close days, survey delay and link, SLA warning share, reminders, attachment limits, report time zone, default group)',
  tag: 'SLA',
  response: settingsSchema,
  status: 200,
});

export const updateServiceSettings = defineRoute({
  operationId: 'updateServiceSettings',
  method: 'PATCH',
  path: '/v1/service-settings',
  permission: 'service:admin',
  summary: 'Change settings (send the version you read; version 0 before the first change)',
  tag: 'SLA',
  body: () => {
    const f = settingsFields();
    return z.strictObject({
      version: z.int().check(z.minimum(0)),
      ...(Object.fromEntries(Object.entries(f).map(([k, v]) => [k, z.optional(v)])) as { [K in keyof typeof f]: z.ZodMiniOptional<(typeof f)[K]> }),
      defaultGroupId: z.optional(z.nullable(groupId())),
    });
  },
  response: settingsSchema,
  status: 200,
});
