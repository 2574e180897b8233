import * as z from 'zod/mini';
import { CONTRACT_STATUSES, PARTY_ROLES } from '../domain/sales/contract';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, text, ulidId } from './common';
import { currency, day, label, minor, ownerQuery, repId } from './pipeline';
import { partyInput } from './quotes';

/** Contracts of contracts (合同). */
export const contractSchema = once(() =>
  z.object({
    id: z.string(),
    number: z.string(),
    title: z.string(),
    customerId: z.string(),
    opportunityId: z.optional(z.string()),
    quoteId: z.optional(z.string()),
    ownerId: z.string(),
    parties: z.array(z.object({ role: z.enum(PARTY_ROLES), name: z.string(), customerId: z.optional(z.string()), signatory: z.optional(z.string()) })),
    amountMinor: z.int(),
    currency: z.string(),
    startDate: z.string(),
    endDate: z.string(),
    signedOn: z.optional(z.string()),
    status: z.enum(CONTRACT_STATUSES),
    renewalOf: z.optional(z.string()),
    renewedBy: z.optional(z.string()),
    terminatedOn: z.optional(z.string()),
    terminateReason: z.optional(z.string()),
    hasPlan: z.boolean(),
    createdBy: z.string(),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    version: z.int(),
  }),
);

export const createContract = defineRoute({
  operationId: 'createContract',
  method: 'POST',
  path: '/v1/contracts',
  permission: 'pipeline:write',
  summary: 'A draft contract on an account (optionally of an opportunity): parties (default the account as buyer, the brand as seller), amount, start and end dates (end after start, else 400)',
  tag: 'Contracts',
  body: () =>
    z.strictObject({
      title: label(200),
      customerId: ulidId(),
      opportunityId: z.optional(ulidId()),
      ownerId: z.optional(repId()),
      parties: z.optional(z.array(partyInput()).check(z.minLength(2), z.maxLength(10))),
      amountMinor: minor(),
      currency: z.optional(currency()),
      startDate: day(),
      endDate: day(),
    }),
  response: contractSchema,
  status: 201,
  idempotent: true,
});

export const listContracts = defineRoute({
  operationId: 'listContracts',
  method: 'GET',
  path: '/v1/contracts',
  permission: 'pipeline:read',
  summary: 'Contracts soonest ending first: yours (or a rep’s with pipeline:all), optionally of a status; a status across reps (pipeline:all)',
  tag: 'Contracts',
  query: () => z.strictObject({ ...pageQuery(), ownerId: ownerQuery(), status: z.optional(z.enum(CONTRACT_STATUSES)) }),
  response: () => pageOf(contractSchema()),
  status: 200,
});

export const getContract = defineRoute({ operationId: 'getContract', method: 'GET', path: '/v1/contracts/{id}', permission: 'pipeline:read', summary: 'One contract', tag: 'Contracts', params: idParams, response: contractSchema, status: 200 });

export const updateContract = defineRoute({
  operationId: 'updateContract',
  method: 'PATCH',
  path: '/v1/contracts/{id}',
  permission: 'pipeline:write',
  summary: 'Change a draft (anything) or an active contract (title, parties, a later end date); a manager may hand it to another rep with its collections',
  tag: 'Contracts',
  params: idParams,
  body: () =>
    z.strictObject({
      version: z.optional(z.int().check(z.positive())),
      title: z.optional(label(200)),
      parties: z.optional(z.array(partyInput()).check(z.minLength(2), z.maxLength(10))),
      amountMinor: z.optional(minor()),
      currency: z.optional(currency()),
      startDate: z.optional(day()),
      endDate: z.optional(day()),
      ownerId: z.optional(repId()),
    }),
  response: contractSchema,
  status: 200,
});

export const setContractStatus = defineRoute({
  operationId: 'setContractStatus',
  method: 'POST',
  path: '/v1/contracts/{id}/status',
  permission: 'pipeline:write',
  summary: 'Sign (active, signedOn defaults to today; a signed renewal marks the contract it renews as renewed) or terminate with a reason',
  tag: 'Contracts',
  params: idParams,
  body: () => z.strictObject({ status: z.enum(['active', 'terminated']), signedOn: z.optional(day()), reason: z.optional(text(1000)) }),
  response: contractSchema,
  status: 200,
});

export const renewContract = defineRoute({
  operationId: 'renewContract',
  method: 'POST',
  path: '/v1/contracts/{id}/renew',
  permission: 'pipeline:write',
  summary: 'Draft the renewal of an active or expired contract: from the day after its end, for as long, same amount unless given; 409 already-renewed',
  tag: 'Contracts',
  params: idParams,
  body: () => z.strictObject({ title: z.optional(label(200)), startDate: z.optional(day()), endDate: z.optional(day()), amountMinor: z.optional(minor()) }),
  response: contractSchema,
  status: 201,
  idempotent: true,
});

export const contractHistory = defineRoute({
  operationId: 'contractHistory',
  method: 'GET',
  path: '/v1/contracts/{id}/history',
  permission: 'pipeline:read',
  summary: 'A contract’s history: created, signed, plan set, renewal reminder, overdue instalments, terminated, expired, renewed',
  tag: 'Contracts',
  params: idParams,
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(z.object({ id: z.string(), contractId: z.string(), at: isoDateTime(), actorId: z.string(), action: z.string(), from: z.optional(z.string()), to: z.optional(z.string()), note: z.optional(z.string()) })),
  status: 200,
});
