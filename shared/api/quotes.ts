import * as z from 'zod/mini';
import { PARTY_ROLES } from '../domain/sales/contract';
import { QUOTE_STATUSES } from '../domain/sales/quote';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, text, ulidId } from './common';
import { day, label, minor } from './pipeline';

/** Contracts of quotes (报价单). */
const lineOut = () =>
  z.object({
    sku: z.optional(z.string()),
    name: z.string(),
    description: z.optional(z.string()),
    quantity: z.int(),
    unitPriceMinor: z.int(),
    discountPercent: z.number(),
    taxRatePercent: z.number(),
    subtotalMinor: z.int(),
    discountMinor: z.int(),
    netMinor: z.int(),
    taxMinor: z.int(),
    totalMinor: z.int(),
  });

export const quoteSchema = once(() =>
  z.object({
    id: z.string(),
    number: z.string(),
    revision: z.int(),
    opportunityId: z.string(),
    customerId: z.string(),
    ownerId: z.string(),
    status: z.enum(QUOTE_STATUSES),
    currency: z.string(),
    lines: z.array(lineOut()),
    subtotalMinor: z.int(),
    discountMinor: z.int(),
    netMinor: z.int(),
    taxMinor: z.int(),
    totalMinor: z.int(),
    issuedOn: z.string(),
    validUntil: z.string(),
    notes: z.optional(z.string()),
    terms: z.optional(z.string()),
    supersedes: z.optional(z.string()),
    supersededBy: z.optional(z.string()),
    sentAt: z.optional(isoDateTime()),
    acceptedAt: z.optional(isoDateTime()),
    rejectedAt: z.optional(isoDateTime()),
    rejectReason: z.optional(z.string()),
    expiredAt: z.optional(isoDateTime()),
    contractId: z.optional(z.string()),
    createdBy: z.string(),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    version: z.int(),
  }),
);

const percent = () => z.number().check(z.minimum(0), z.maximum(100));
const line = () =>
  z.strictObject({
    sku: z.optional(text(64)),
    name: label(200),
    description: z.optional(text(1000)),
    quantity: z.int(),
    unitPriceMinor: minor(),
    discountPercent: z.optional(percent()),
    taxRatePercent: z.optional(percent()),
    totalMinor: z.optional(z.int()),
  });
const totals = () => z.strictObject({ subtotalMinor: z.optional(z.int()), discountMinor: z.optional(z.int()), netMinor: z.optional(z.int()), taxMinor: z.optional(z.int()), totalMinor: z.optional(z.int()) });
const body = () => ({ lines: z.array(line()).check(z.maxLength(100)), totals: z.optional(totals()), issuedOn: z.optional(day()), validUntil: z.optional(day()), notes: z.optional(text(2000)), terms: z.optional(text(5000)) });

export const createQuote = defineRoute({
  operationId: 'createQuote',
  method: 'POST',
  path: '/v1/quotes',
  permission: 'pipeline:write',
  summary: 'A draft quote for an open opportunity: lines (quantity, unit price, discount %, tax rate %) with totals computed in minor units; any totals you send must add up (400 naming the line); validity defaults from the settings',
  tag: 'Quotes',
  body: () => z.strictObject({ opportunityId: ulidId(), ...body() }),
  response: quoteSchema,
  status: 201,
  idempotent: true,
});

export const listQuotes = defineRoute({
  operationId: 'listQuotes',
  method: 'GET',
  path: '/v1/quotes',
  permission: 'pipeline:read',
  summary: 'An opportunity’s quotes, newest number and revision first',
  tag: 'Quotes',
  query: () => z.strictObject({ ...pageQuery(), opportunityId: ulidId() }),
  response: () => pageOf(quoteSchema()),
  status: 200,
});

export const getQuote = defineRoute({ operationId: 'getQuote', method: 'GET', path: '/v1/quotes/{id}', permission: 'pipeline:read', summary: 'One quote', tag: 'Quotes', params: idParams, response: quoteSchema, status: 200 });

export const updateQuote = defineRoute({
  operationId: 'updateQuote',
  method: 'PATCH',
  path: '/v1/quotes/{id}',
  permission: 'pipeline:write',
  summary: 'Edit a draft quote (lines, totals, dates, notes); a sent quote is revised instead (409 quote-not-draft)',
  tag: 'Quotes',
  params: idParams,
  body: () => {
    const b = body();
    return z.strictObject({ ...b, lines: z.optional(b.lines), version: z.optional(z.int().check(z.positive())) });
  },
  response: quoteSchema,
  status: 200,
});

const partyInput = () => z.strictObject({ role: z.enum(PARTY_ROLES), name: label(200), customerId: z.optional(ulidId()), signatory: z.optional(label(100)) });

export const setQuoteStatus = defineRoute({
  operationId: 'setQuoteStatus',
  method: 'POST',
  path: '/v1/quotes/{id}/status',
  permission: 'pipeline:write',
  summary: 'Send, accept or reject a quote; accepted turns it into a draft contract (its term from contract, else the default length) and answers with contractId — accepting again answers with the same contract',
  tag: 'Quotes',
  params: idParams,
  body: () =>
    z.strictObject({
      status: z.enum(['sent', 'accepted', 'rejected']),
      reason: z.optional(text(1000)),
      contract: z.optional(z.strictObject({ title: z.optional(label(200)), startDate: z.optional(day()), endDate: z.optional(day()), parties: z.optional(z.array(partyInput()).check(z.minLength(2), z.maxLength(10))) })),
    }),
  response: () => z.object({ quote: quoteSchema(), contractId: z.optional(z.string()) }),
  status: 200,
});

export const reviseQuote = defineRoute({
  operationId: 'reviseQuote',
  method: 'POST',
  path: '/v1/quotes/{id}/revise',
  permission: 'pipeline:write',
  summary: 'A new revision of a sent, rejected or expired quote (same number, next revision, a draft); the old one is superseded',
  tag: 'Quotes',
  params: idParams,
  body: () => {
    const b = body();
    return z.strictObject({ ...b, lines: z.optional(b.lines) });
  },
  response: quoteSchema,
  status: 201,
  idempotent: true,
});

export { partyInput };
