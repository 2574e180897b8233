import * as z from 'zod/mini';
import { INTERACTION_CHANNELS, INTERACTION_TYPES } from '../domain/interaction';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, text, ulidId } from './common';
import { customerSchema } from './customers';

/** Contracts of the interaction log, the timeline and the 360-degree view. */
export const timelineEntrySchema = once(() =>
  z.object({
    id: z.string(),
    kind: z.enum(['interaction', 'order', 'checkout', 'ticket', 'message', 'note']),
    occurredAt: isoDateTime(),
    summary: z.string(),
    data: z.record(z.string(), z.unknown()),
  }),
);

export const interactionSchema = once(() =>
  z.object({
    id: z.string(),
    customerId: ulidId(),
    channel: z.enum(INTERACTION_CHANNELS),
    type: z.enum(INTERACTION_TYPES),
    direction: z.enum(['inbound', 'outbound']),
    summary: z.string(),
    occurredAt: isoDateTime(),
    authorId: z.string(),
    createdAt: isoDateTime(),
  }),
);

export const logInteraction = defineRoute({
  operationId: 'logInteraction',
  method: 'POST',
  path: '/v1/customers/{id}/interactions',
  permission: 'interactions:write',
  summary: 'Log a call, email, chat, WeChat message, visit or SMS with the customer',
  tag: 'Timeline',
  params: idParams,
  body: () =>
    z.strictObject({
      channel: z.enum(INTERACTION_CHANNELS),
      type: z.enum(INTERACTION_TYPES),
      direction: z._default(z.enum(['inbound', 'outbound']), 'inbound'),
      summary: text(4000),
      occurredAt: z.optional(
        isoDateTime().check(
          z.refine((t) => Date.parse(t) <= Date.now() + 5 * 60_000, 'must not be in the future'),
          z.refine((t) => Date.parse(t) >= Date.parse('2000-01-01'), 'must be after 2000-01-01'),
        ),
      ),
    }),
  response: interactionSchema,
  status: 201,
  idempotent: true,
});

export const getTimeline = defineRoute({
  operationId: 'getTimeline',
  method: 'GET',
  path: '/v1/customers/{id}/timeline',
  permission: 'customers:read',
  summary: 'Everything that happened with the customer (interactions, orders, tickets, messages), newest first',
  tag: 'Timeline',
  params: idParams,
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(timelineEntrySchema()),
  status: 200,
});

/** What the segmentation engine derived for a customer (tier, lifecycle stage, RFM, predictions); CLV in minor units of the base currency. */
export const derivedStateSchema = once(() =>
  z.object({
    tier: z.optional(z.string()),
    lifecycle: z.optional(z.string()),
    reactivatedAt: z.optional(isoDateTime()),
    rfm: z.optional(z.object({ r: z.int(), f: z.int(), m: z.int(), code: z.string(), group: z.string() })),
    predictions: z.optional(
      z.object({ pAlive: z.number(), churnRisk: z.number(), expectedOrders90: z.number(), expectedOrders365: z.number(), clvMinor: z.int(), nextOrderAt: z.optional(isoDateTime()) }),
    ),
    churnWarning: z.optional(z.boolean()),
    evaluatedAt: z.optional(isoDateTime()),
  }),
);

export const getCustomer360 = defineRoute({
  operationId: 'getCustomer360',
  method: 'GET',
  path: '/v1/customers/{id}/360',
  permission: 'customers:read',
  summary: 'Profile, aggregates, derived state (tier, lifecycle, RFM, predictions), tags, segments, latest timeline and open tickets, read in one query',
  tag: 'Customers',
  params: idParams,
  response: () =>
    z.object({
      profile: customerSchema(),
      aggregates: z.record(z.string(), z.unknown()),
      derived: z.optional(derivedStateSchema()),
      tags: z.array(z.string()),
      segments: z.array(z.string()),
      openTickets: z.array(z.record(z.string(), z.unknown())),
      timeline: z.array(timelineEntrySchema()),
    }),
  status: 200,
});
