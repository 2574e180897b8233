import * as z from 'zod/mini';
import { ENROLLMENT_STATUSES, JOURNEY_STATUSES } from '../domain/journeys/types';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, text, ulidId } from './common';

/**
 * Contracts of automated journeys (自动化旅程, docs/journeys.md). A definition is checked by the
 * journey rules themselves (every problem named by its path: `steps[3].next`, `trigger.event`),
 * so its schema here is an open object; the rest is strict.
 */
const definition = () => z.record(z.string(), z.unknown()).check(z.describe('A journey definition {trigger, start?, steps, exit?, reentry, goal?, timeZone?} (docs/journeys.md)'));
const stepId = () => z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a step id'));
const secretName = () => z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a lower-case slug (a-z, 0-9, - and _, at most 64)'));
const versionQuery = () => z.strictObject({ version: z.optional(z.coerce.number().check(z.int(), z.minimum(1))) });
const links = () => z.record(z.string(), z.string());

export const journeySchema = once(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.optional(z.string()),
    status: z.enum(JOURNEY_STATUSES),
    definition: definition(),
    hasDraft: z.boolean(),
    liveVersion: z.optional(z.int()),
    versions: z.int(),
    templateId: z.optional(z.string()),
    createdBy: z.string(),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    publishedAt: z.optional(isoDateTime()),
    pausedAt: z.optional(isoDateTime()),
    archivedAt: z.optional(isoDateTime()),
    version: z.int(),
    links: links(),
  }),
);

const versionSchema = once(() => z.object({ journeyId: z.string(), number: z.int(), definition: definition(), publishedAt: isoDateTime(), publishedBy: z.string(), links: links() }));

const historySchema = once(() =>
  z.object({ seq: z.int(), at: isoDateTime(), kind: z.string(), stepId: z.optional(z.string()), stepType: z.optional(z.string()), outcome: z.string(), detail: z.optional(z.record(z.string(), z.unknown())) }),
);

export const enrollmentSchema = once(() =>
  z.object({
    id: z.string(),
    journeyId: z.string(),
    version: z.int(),
    customerId: z.string(),
    status: z.enum(ENROLLMENT_STATUSES),
    position: z.object({ stepId: z.optional(z.string()), phase: z.enum(['run', 'wait', 'acting']), waitUntil: z.optional(isoDateTime()), actingSince: z.optional(isoDateTime()), held: z.optional(z.boolean()), attempt: z.optional(z.int()) }),
    visits: z.record(z.string(), z.int()),
    stepsRun: z.int(),
    trigger: z.object({ kind: z.string(), eventId: z.string(), eventType: z.optional(z.string()), at: isoDateTime(), data: z.optional(z.record(z.string(), z.unknown())) }),
    variant: z.optional(z.string()),
    enteredAt: isoDateTime(),
    updatedAt: isoDateTime(),
    endedAt: z.optional(isoDateTime()),
    exitReason: z.optional(z.string()),
    goalReachedAt: z.optional(isoDateTime()),
    links: links(),
  }),
);

const lifecycle = (operationId: string, verb: string, summary: string) =>
  defineRoute({
    operationId,
    method: 'POST',
    path: `/v1/journeys/{id}/${verb}`,
    permission: 'marketing:write',
    summary,
    tag: 'Journeys',
    params: idParams,
    query: versionQuery,
    response: journeySchema,
    status: 200,
  });

export const createJourney = defineRoute({
  operationId: 'createJourney',
  method: 'POST',
  path: '/v1/journeys',
  permission: 'marketing:write',
  summary: 'Create a journey (a draft) from a definition, or from a ready-made template (`templateId`, with `messages` to use your own message templates and `overrides` per step); 400 naming each problem of the graph',
  tag: 'Journeys',
  body: () =>
    z.strictObject({
      name: text(200),
      description: z.optional(text(2000)),
      definition: z.optional(definition()),
      templateId: z.optional(z.string().check(z.regex(/^[a-z0-9-]{1,64}$/, 'must be the id of a journey template'))),
      messages: z.optional(z.record(stepId(), z.strictObject({ templateId: z.string().check(z.minLength(1), z.maxLength(128)), templateVersion: z.optional(z.int().check(z.minimum(1))) }))),
      overrides: z.optional(z.record(stepId(), z.record(z.string(), z.unknown()))),
    }),
  response: journeySchema,
  status: 201,
  idempotent: true,
});

export const listJourneys = defineRoute({
  operationId: 'listJourneys',
  method: 'GET',
  path: '/v1/journeys',
  permission: 'marketing:read',
  summary: 'Journeys, newest first (optionally of one `status`)',
  tag: 'Journeys',
  query: () => z.strictObject({ ...pageQuery(), status: z.optional(z.enum(JOURNEY_STATUSES)) }),
  response: () => pageOf(journeySchema()),
  status: 200,
});

export const getJourney = defineRoute({
  operationId: 'getJourney',
  method: 'GET',
  path: '/v1/journeys/{id}',
  permission: 'marketing:read',
  summary: 'One journey: status, the working definition (the draft of the next version), the live version',
  tag: 'Journeys',
  params: idParams,
  response: journeySchema,
  status: 200,
});

export const updateJourney = defineRoute({
  operationId: 'updateJourney',
  method: 'PATCH',
  path: '/v1/journeys/{id}',
  permission: 'marketing:write',
  summary: 'Edit a journey: name, description, the definition (on a live journey this edits the draft of the next version; enrolled customers stay on theirs); send the version you read',
  tag: 'Journeys',
  params: idParams,
  body: () => z.strictObject({ version: z.optional(z.int()), name: z.optional(text(200)), description: z.optional(z.nullable(text(2000))), definition: z.optional(definition()) }),
  response: journeySchema,
  status: 200,
});

export const validateJourney = defineRoute({
  operationId: 'validateJourney',
  method: 'POST',
  path: '/v1/journeys/validate',
  permission: 'marketing:read',
  summary: 'Check a definition without saving it: every problem with its path and rule (valid: false), or the definition as it would be saved (template versions pinned)',
  tag: 'Journeys',
  body: () => z.strictObject({ definition: definition() }),
  response: () => z.object({ valid: z.boolean(), errors: z.array(z.object({ field: z.string(), message: z.string() })), definition: z.optional(definition()) }),
  status: 200,
});

export const publishJourney = lifecycle('publishJourney', 'publish', 'Publish the draft as a new immutable version and activate it: new entries get it, enrolled customers keep the version they entered (409 when there is nothing new)');
export const pauseJourney = lifecycle('pauseJourney', 'pause', 'Pause: no new entries; enrolled customers hold at their next step until it is resumed (exit events still apply)');
export const resumeJourney = lifecycle('resumeJourney', 'resume', 'Resume a paused journey: entries again, held customers go on');
export const archiveJourney = lifecycle('archiveJourney', 'archive', 'Archive: no new entries, every active enrollment exits (journey-archived); read-only from then on');

export const listJourneyVersions = defineRoute({
  operationId: 'listJourneyVersions',
  method: 'GET',
  path: '/v1/journeys/{id}/versions',
  permission: 'marketing:read',
  summary: 'The published versions of a journey, newest first',
  tag: 'Journeys',
  params: idParams,
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(versionSchema()),
  status: 200,
});

export const getJourneyVersion = defineRoute({
  operationId: 'getJourneyVersion',
  method: 'GET',
  path: '/v1/journeys/{id}/versions/{number}',
  permission: 'marketing:read',
  summary: 'One published version of a journey',
  tag: 'Journeys',
  params: () => z.strictObject({ id: ulidId(), number: z.coerce.number().check(z.int(), z.minimum(1)) }),
  response: versionSchema,
  status: 200,
});

export const listJourneyEnrollments = defineRoute({
  operationId: 'listJourneyEnrollments',
  method: 'GET',
  path: '/v1/journeys/{id}/enrollments',
  permission: 'marketing:read',
  summary: "A journey's enrollments, newest first: status, position, version",
  tag: 'Journeys',
  params: idParams,
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(enrollmentSchema()),
  status: 200,
});

export const listCustomerEnrollments = defineRoute({
  operationId: 'listCustomerEnrollments',
  method: 'GET',
  path: '/v1/customers/{id}/journey-enrollments',
  permission: 'marketing:read',
  summary: "A customer's journey enrollments, newest first",
  tag: 'Journeys',
  params: idParams,
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(enrollmentSchema()),
  status: 200,
});

export const getEnrollment = defineRoute({
  operationId: 'getEnrollment',
  method: 'GET',
  path: '/v1/journey-enrollments/{id}',
  permission: 'marketing:read',
  summary: 'One enrollment with its history (each step run, with its time and outcome), oldest first; `limit`/`cursor` page the history',
  tag: 'Journeys',
  params: idParams,
  query: () => z.strictObject({ limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500)), 200), cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))) }),
  response: () => z.object({ enrollment: enrollmentSchema(), history: z.array(historySchema()), cursor: z.optional(z.string()) }),
  status: 200,
});

export const exitEnrollment = defineRoute({
  operationId: 'exitEnrollment',
  method: 'POST',
  path: '/v1/journey-enrollments/{id}/exit',
  permission: 'marketing:write',
  summary: 'Take a customer out of a journey by hand (exit reason `manual`); 409 when the enrollment already ended',
  tag: 'Journeys',
  params: idParams,
  response: enrollmentSchema,
  status: 200,
});

export const journeyStats = defineRoute({
  operationId: 'journeyStats',
  method: 'GET',
  path: '/v1/journeys/{id}/stats',
  permission: 'marketing:read',
  summary: 'Enrolled, active, completed, exited by reason, goal reached, per-step reach and outcomes, and the message counters (sent, skipped by reason, opened, clicked, converted, revenue)',
  tag: 'Journeys',
  params: idParams,
  response: () => z.record(z.string(), z.unknown()),
  status: 200,
});

export const listJourneyTemplates = defineRoute({
  operationId: 'listJourneyTemplates',
  method: 'GET',
  path: '/v1/journey-templates',
  permission: 'marketing:read',
  summary: 'The ready-made journeys: welcome series, abandoned cart (1 h and 24 h), post-purchase follow-up and review request, win-back, birthday with a coupon, VIP upgrade',
  tag: 'Journeys',
  response: () => z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), description: z.string(), definition: definition(), messages: z.record(z.string(), z.unknown()) })) }),
  status: 200,
});

const secretSchema = once(() => z.object({ name: z.string(), hint: z.string(), updatedAt: isoDateTime(), updatedBy: z.string() }));

export const putJourneySecret = defineRoute({
  operationId: 'putJourneySecret',
  method: 'PUT',
  path: '/v1/journey-secrets/{name}',
  permission: 'marketing:write',
  summary: 'Set a webhook signing secret that "call a webhook" steps name (`secretRef`); stored encrypted, never shown again',
  tag: 'Journeys',
  params: () => z.strictObject({ name: secretName() }),
  body: () => z.strictObject({ value: z.string().check(z.minLength(16, 'must be at least 16 characters'), z.maxLength(512)) }),
  response: secretSchema,
  status: 200,
});

export const listJourneySecrets = defineRoute({
  operationId: 'listJourneySecrets',
  method: 'GET',
  path: '/v1/journey-secrets',
  permission: 'marketing:read',
  summary: 'The journey webhook secrets by name (with the last four characters, never the value)',
  tag: 'Journeys',
  response: () => z.object({ items: z.array(secretSchema()) }),
  status: 200,
});

export const deleteJourneySecret = defineRoute({
  operationId: 'deleteJourneySecret',
  method: 'DELETE',
  path: '/v1/journey-secrets/{name}',
  permission: 'marketing:write',
  summary: 'Delete a journey webhook secret (webhook steps naming it then record a failure)',
  tag: 'Journeys',
  params: () => z.strictObject({ name: secretName() }),
  response: () => z.object({}),
  status: 204,
});
