import * as z from 'zod/mini';
import { LOST_REASONS, OPPORTUNITY_STATUSES } from '../domain/sales/opportunity';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, text, ulidId } from './common';
import { productInput } from './leads';
import { currency, day, label, minor, ownerQuery, repId } from './pipeline';

/** Contracts of opportunities (商机) and their stages. */
export const opportunitySchema = once(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    customerId: z.string(),
    contactId: z.optional(z.string()),
    leadId: z.optional(z.string()),
    ownerId: z.string(),
    stage: z.string(),
    status: z.enum(OPPORTUNITY_STATUSES),
    probability: z.int(),
    amountMinor: z.optional(z.int()),
    currency: z.string(),
    expectedCloseDate: z.optional(z.string()),
    products: z.array(z.object({ sku: z.optional(z.string()), name: z.string(), quantity: z.int(), unitPriceMinor: z.int() })),
    competitors: z.array(z.string()),
    channel: z.string(),
    nextStep: z.optional(z.string()),
    stageEnteredAt: isoDateTime(),
    stageVisitId: z.string(),
    reached: z.array(z.string()),
    closedAt: z.optional(isoDateTime()),
    wonReason: z.optional(z.string()),
    lostReason: z.optional(z.enum(LOST_REASONS)),
    lostNote: z.optional(z.string()),
    lostTo: z.optional(z.string()),
    acceptedQuoteId: z.optional(z.string()),
    createdBy: z.string(),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    version: z.int(),
  }),
);

const channel = () => z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a lower-case slug such as website-form or direct'));
const fields = () => ({
  name: label(200),
  contactId: z.optional(ulidId()),
  amountMinor: z.optional(minor()),
  currency: z.optional(currency()),
  expectedCloseDate: z.optional(day()),
  products: z.optional(z.array(productInput()).check(z.maxLength(100))),
  competitors: z.optional(z.array(label(100)).check(z.maxLength(20))),
  nextStep: z.optional(text(500)),
});

export const createOpportunity = defineRoute({
  operationId: 'createOpportunity',
  method: 'POST',
  path: '/v1/opportunities',
  permission: 'pipeline:write',
  summary: 'Create an opportunity on an account (a customer), in the first open stage or one whose required fields it has',
  tag: 'Opportunities',
  body: () => z.strictObject({ ...fields(), customerId: ulidId(), ownerId: z.optional(repId()), stage: z.optional(z.string().check(z.maxLength(40))), channel: z.optional(channel()) }),
  response: opportunitySchema,
  status: 201,
  idempotent: true,
});

export const listOpportunities = defineRoute({
  operationId: 'listOpportunities',
  method: 'GET',
  path: '/v1/opportunities',
  permission: 'pipeline:read',
  summary: 'Opportunities: yours (or a rep’s with pipeline:all), of a status or open in a stage; a stage’s or status’s across reps (pipeline:all); or an account’s (customerId)',
  tag: 'Opportunities',
  query: () => z.strictObject({ ...pageQuery(), ownerId: ownerQuery(), status: z.optional(z.enum(OPPORTUNITY_STATUSES)), stage: z.optional(z.string().check(z.maxLength(40))), customerId: z.optional(ulidId()) }),
  response: () => pageOf(opportunitySchema()),
  status: 200,
});

export const getOpportunity = defineRoute({ operationId: 'getOpportunity', method: 'GET', path: '/v1/opportunities/{id}', permission: 'pipeline:read', summary: 'One opportunity', tag: 'Opportunities', params: idParams, response: opportunitySchema, status: 200 });

export const updateOpportunity = defineRoute({
  operationId: 'updateOpportunity',
  method: 'PATCH',
  path: '/v1/opportunities/{id}',
  permission: 'pipeline:write',
  summary: 'Change an open opportunity (amount, close date, products, competitors, contact, next step; a manager may change the owner); null clears a field, except what its stage requires (409 stage-requirements)',
  tag: 'Opportunities',
  params: idParams,
  body: () => {
    const f = fields();
    return z.strictObject({
      version: z.optional(z.int().check(z.positive())),
      name: z.optional(f.name),
      contactId: z.optional(z.nullable(ulidId())),
      amountMinor: z.optional(z.nullable(minor())),
      currency: z.optional(currency()),
      expectedCloseDate: z.optional(z.nullable(day())),
      products: z.optional(z.nullable(z.array(productInput()).check(z.maxLength(100)))),
      competitors: z.optional(z.nullable(z.array(label(100)).check(z.maxLength(20)))),
      nextStep: z.optional(z.nullable(text(500))),
      ownerId: z.optional(repId()),
    });
  },
  response: opportunitySchema,
  status: 200,
});

export const moveOpportunityStage = defineRoute({
  operationId: 'moveOpportunityStage',
  method: 'POST',
  path: '/v1/opportunities/{id}/stage',
  permission: 'pipeline:write',
  summary: 'Move to a stage: 409 stage-requirements naming what the stage (and every open stage before it) needs; won closes it, lost needs lostReason (and lostTo, the competitor); reopen: true (managers) reopens a closed deal',
  tag: 'Opportunities',
  params: idParams,
  body: () =>
    z.strictObject({
      stage: z.string().check(z.minLength(1), z.maxLength(40)),
      version: z.optional(z.int().check(z.positive())),
      reason: z.optional(text(500)),
      lostReason: z.optional(z.enum(LOST_REASONS)),
      lostNote: z.optional(text(1000)),
      lostTo: z.optional(label(100)),
      reopen: z.optional(z.boolean()),
    }),
  response: opportunitySchema,
  status: 200,
});

export const opportunityHistory = defineRoute({
  operationId: 'opportunityHistory',
  method: 'GET',
  path: '/v1/opportunities/{id}/history',
  permission: 'pipeline:read',
  summary: 'The stage history: each stage visit with when it was entered and left, by whom, why',
  tag: 'Opportunities',
  params: idParams,
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(z.object({ id: z.string(), opportunityId: z.string(), stage: z.string(), enteredAt: isoDateTime(), leftAt: z.optional(isoDateTime()), enteredBy: z.string(), from: z.optional(z.string()), reason: z.optional(z.string()) })),
  status: 200,
});
