import * as z from 'zod/mini';
import { MAX_INSTALMENTS, PAYMENT_METHODS } from '../domain/sales/collections';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, text } from './common';
import { day, minor, ownerQuery } from './pipeline';

/** Contracts of collections (回款): plans, payments, outstanding instalments. */
const instalmentOut = () =>
  z.object({
    no: z.int(),
    dueDate: z.string(),
    amountMinor: z.int(),
    paidMinor: z.int(),
    outstandingMinor: z.int(),
    status: z.enum(['open', 'paid']),
    overdue: z.boolean(),
    overdueSince: z.optional(isoDateTime()),
    paidOn: z.optional(z.string()),
    paidLate: z.optional(z.boolean()),
    note: z.optional(z.string()),
    daysOverdue: z.int(),
    ageBucket: z.string(),
  });

const paymentOut = () =>
  z.object({
    id: z.string(),
    contractId: z.string(),
    amountMinor: z.int(),
    currency: z.string(),
    receivedOn: z.string(),
    method: z.enum(PAYMENT_METHODS),
    reference: z.optional(z.string()),
    instalmentNo: z.optional(z.int()),
    allocations: z.array(z.object({ no: z.int(), amountMinor: z.int() })),
    recordedBy: z.string(),
    recordedAt: isoDateTime(),
  });

export const planSchema = once(() =>
  z.object({
    contractId: z.string(),
    contractNumber: z.string(),
    ownerId: z.string(),
    currency: z.string(),
    totalMinor: z.int(),
    paidMinor: z.int(),
    outstandingMinor: z.int(),
    overdueMinor: z.int(),
    instalments: z.array(instalmentOut()),
    payments: z.array(paymentOut()),
    version: z.int(),
  }),
);

export const getCollectionPlan = defineRoute({
  operationId: 'getCollectionPlan',
  method: 'GET',
  path: '/v1/contracts/{id}/collection-plan',
  permission: 'pipeline:read',
  summary: 'A contract’s collections: instalments (paid, outstanding, overdue, days overdue and age bucket), payments, the outstanding balance',
  tag: 'Collections',
  params: idParams,
  response: planSchema,
  status: 200,
});

export const putCollectionPlan = defineRoute({
  operationId: 'putCollectionPlan',
  method: 'PUT',
  path: '/v1/contracts/{id}/collection-plan',
  permission: 'pipeline:write',
  summary: 'Set or replace the plan: instalments with due dates in order adding up to the contract amount (400 naming the rule); payments already recorded are allocated again, oldest first; send the version you read to be refused when it changed',
  tag: 'Collections',
  params: idParams,
  body: () =>
    z.strictObject({
      version: z.optional(z.int().check(z.minimum(0))),
      instalments: z.array(z.strictObject({ dueDate: day(), amountMinor: minor(), note: z.optional(text(500)) })).check(z.minLength(1), z.maxLength(MAX_INSTALMENTS)),
    }),
  response: planSchema,
  status: 200,
});

export const recordPayment = defineRoute({
  operationId: 'recordPayment',
  method: 'POST',
  path: '/v1/contracts/{id}/payments',
  permission: 'pipeline:write',
  summary: 'Record money received (oldest instalments first, or instalmentNo): 409 payment-exceeds-balance (or -instalment) when it is more than is outstanding, even under concurrent payments',
  tag: 'Collections',
  params: idParams,
  body: () =>
    z.strictObject({
      amountMinor: z.int().check(z.positive(), z.maximum(Number.MAX_SAFE_INTEGER)),
      receivedOn: z.optional(day()),
      method: z.enum(PAYMENT_METHODS),
      reference: z.optional(text(128)),
      instalmentNo: z.optional(z.int().check(z.positive())),
    }),
  response: () => z.object({ payment: paymentOut(), plan: planSchema() }),
  status: 201,
  idempotent: true,
});

export const listCollections = defineRoute({
  operationId: 'listCollections',
  method: 'GET',
  path: '/v1/collections',
  permission: 'pipeline:read',
  summary: 'Outstanding instalments soonest due first: yours (or a rep’s, or everyone’s, with pipeline:all); overdue=true keeps those past due',
  tag: 'Collections',
  query: () => z.strictObject({ ...pageQuery(), ownerId: ownerQuery(), overdue: z.optional(z.stringbool()) }),
  response: () =>
    pageOf(
      z.object({
        contractId: z.string(),
        ownerId: z.string(),
        currency: z.string(),
        no: z.int(),
        dueDate: z.string(),
        amountMinor: z.int(),
        paidMinor: z.int(),
        outstandingMinor: z.int(),
        overdue: z.boolean(),
        daysOverdue: z.int(),
        ageBucket: z.string(),
      }),
    ),
  status: 200,
});

