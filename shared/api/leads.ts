import * as z from 'zod/mini';
import { INTERACTION_CHANNELS, INTERACTION_TYPES } from '../domain/interaction';
import { COMPANY_SIZES, DISQUALIFY_REASONS, LEAD_GRADES, LEAD_SOURCES, LEAD_STATUSES } from '../domain/sales/lead';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, text, ulidId } from './common';
import { currency, day, label, minor, ownerQuery, regionText, repId } from './pipeline';

/** Contracts of leads (线索) and the public pool (公海). */
export const leadSchema = once(() =>
  z.object({
    id: z.string(),
    status: z.enum(LEAD_STATUSES),
    sourceChannel: z.enum(LEAD_SOURCES),
    sourceRef: z.optional(z.string()),
    company: z.string(),
    contactName: z.optional(z.string()),
    title: z.optional(z.string()),
    phone: z.optional(z.string()),
    email: z.optional(z.string()),
    wechat: z.optional(z.string()),
    region: z.optional(z.string()),
    industry: z.optional(z.string()),
    companySize: z.optional(z.enum(COMPANY_SIZES)),
    productLine: z.optional(z.string()),
    needs: z.optional(z.string()),
    grade: z.optional(z.enum(LEAD_GRADES)),
    score: z.optional(z.int()),
    ownerId: z.optional(z.string()),
    ownedSince: z.optional(isoDateTime()),
    lastFollowUpAt: z.optional(isoDateTime()),
    followUpCount: z.int(),
    nextFollowUpAt: z.optional(isoDateTime()),
    nextFollowUpTaskId: z.optional(z.string()),
    returnedFrom: z.optional(z.object({ ownerId: z.string(), at: isoDateTime(), until: isoDateTime() })),
    disqualifyReason: z.optional(z.enum(DISQUALIFY_REASONS)),
    disqualifyNote: z.optional(z.string()),
    conversion: z.optional(z.object({ customerId: z.string(), contactId: z.string(), opportunityId: z.optional(z.string()), at: isoDateTime(), by: z.string() })),
    mergedInto: z.optional(z.string()),
    createdBy: z.string(),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    version: z.int(),
  }),
);

const score = () => z.int().check(z.minimum(0), z.maximum(100));
const fields = () => ({
  company: text(200),
  contactName: z.optional(text(100)),
  title: z.optional(text(100)),
  phone: z.optional(text(40)),
  email: z.optional(text(254)),
  wechat: z.optional(text(64)),
  region: z.optional(regionText()),
  industry: z.optional(text(64)),
  companySize: z.optional(z.enum(COMPANY_SIZES)),
  productLine: z.optional(regionText()),
  needs: z.optional(text(2000)),
  grade: z.optional(z.enum(LEAD_GRADES)),
  score: z.optional(score()),
});

export const createLead = defineRoute({
  operationId: 'createLead',
  method: 'POST',
  path: '/v1/leads',
  permission: 'pipeline:write',
  summary: 'Create a lead (yours unless a manager names another rep; ownerId null: the assignment rules, else the pool); 409 duplicate-lead naming an existing lead or customer with the same company, phone or email',
  tag: 'Leads',
  body: () => z.strictObject({ ...fields(), sourceChannel: z.enum(LEAD_SOURCES), sourceRef: z.optional(text(128)), ownerId: z.optional(z.nullable(repId())), allowDuplicate: z.optional(z.boolean()) }),
  response: leadSchema,
  status: 201,
  idempotent: true,
});

export const intakeLead = defineRoute({
  operationId: 'intakeLead',
  method: 'POST',
  path: '/v1/lead-intake',
  permission: 'pipeline:intake',
  summary: 'A lead from a website form, an e-commerce inquiry or another integration: deduplicated, then handed out by the assignment rules (round-robin by region or product line) or left in the public pool',
  tag: 'Leads',
  body: () => z.strictObject({ ...fields(), sourceChannel: z.enum(LEAD_SOURCES), sourceRef: z.optional(text(128)) }),
  response: () => z.object({ id: z.string(), status: z.enum(LEAD_STATUSES), assigned: z.boolean() }),
  status: 201,
  idempotent: true,
});

export const listLeads = defineRoute({
  operationId: 'listLeads',
  method: 'GET',
  path: '/v1/leads',
  permission: 'pipeline:read',
  summary: 'Leads: yours (or a rep’s, ownerId, with pipeline:all), of a status, the public pool (pool=true, optionally of a region), or a company-name prefix search (company)',
  tag: 'Leads',
  query: () =>
    z.strictObject({
      ...pageQuery(),
      ownerId: ownerQuery(),
      status: z.optional(z.enum(LEAD_STATUSES)),
      pool: z.optional(z.stringbool()),
      region: z.optional(regionText()),
      company: z.optional(text(200)),
    }),
  response: () => pageOf(leadSchema()),
  status: 200,
});

export const getLead = defineRoute({ operationId: 'getLead', method: 'GET', path: '/v1/leads/{id}', permission: 'pipeline:read', summary: 'One lead (yours, the pool’s, or any with pipeline:all)', tag: 'Leads', params: idParams, response: leadSchema, status: 200 });

export const updateLead = defineRoute({
  operationId: 'updateLead',
  method: 'PATCH',
  path: '/v1/leads/{id}',
  permission: 'pipeline:write',
  summary: 'Change a lead’s fields or status (contacted, qualified, disqualified with a reason; a disqualified lead reopens as contacted); null clears a field; send the version you read',
  tag: 'Leads',
  params: idParams,
  body: () => {
    const f = fields();
    const opt = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, k === 'company' ? z.optional(v) : z.optional(z.nullable(v))])) as { [K in keyof typeof f]: z.ZodMiniOptional<z.ZodMiniNullable<(typeof f)[K]>> };
    return z.strictObject({
      ...opt,
      company: z.optional(text(200)),
      version: z.optional(z.int().check(z.positive())),
      status: z.optional(z.enum(['new', 'contacted', 'qualified', 'disqualified'])),
      disqualifyReason: z.optional(z.enum(DISQUALIFY_REASONS)),
      disqualifyNote: z.optional(text(1000)),
      allowDuplicate: z.optional(z.boolean()),
    });
  },
  response: leadSchema,
  status: 200,
});

export const claimLead = defineRoute({
  operationId: 'claimLead',
  method: 'POST',
  path: '/v1/leads/{id}/claim',
  permission: 'pipeline:write',
  summary: 'Claim a lead of the public pool: 409 lead-owned (another rep’s), held-lead-limit, reclaim-cooling-off or lead-closed',
  tag: 'Leads',
  params: idParams,
  response: leadSchema,
  status: 200,
});

export const releaseLead = defineRoute({
  operationId: 'releaseLead',
  method: 'POST',
  path: '/v1/leads/{id}/release',
  permission: 'pipeline:write',
  summary: 'Give a lead back to the public pool (you may not claim it again during the cooling-off)',
  tag: 'Leads',
  params: idParams,
  body: () => z.strictObject({ note: z.optional(text(500)) }),
  response: leadSchema,
  status: 200,
});

export const assignLead = defineRoute({
  operationId: 'assignLead',
  method: 'POST',
  path: '/v1/leads/{id}/assign',
  permission: 'pipeline:all',
  summary: 'Hand a lead (from the pool or another rep) to a rep, within their held-lead limit',
  tag: 'Leads',
  params: idParams,
  body: () => z.strictObject({ ownerId: repId() }),
  response: leadSchema,
  status: 200,
});

export const followUpSchema = once(() =>
  z.object({
    id: z.string(),
    leadId: z.string(),
    channel: z.string(),
    type: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    summary: z.string(),
    occurredAt: isoDateTime(),
    authorId: z.string(),
    createdAt: isoDateTime(),
    nextFollowUpAt: z.optional(isoDateTime()),
    taskId: z.optional(z.string()),
  }),
);

export const addFollowUp = defineRoute({
  operationId: 'addLeadFollowUp',
  method: 'POST',
  path: '/v1/leads/{id}/follow-ups',
  permission: 'pipeline:write',
  summary: 'Record a follow-up (跟进记录: call, WeChat, visit, …); it restarts the time before the lead returns to the pool, and nextFollowUpAt makes a task with reminders for the owner',
  tag: 'Leads',
  params: idParams,
  body: () =>
    z.strictObject({
      channel: z.enum(INTERACTION_CHANNELS),
      type: z.optional(z.enum(INTERACTION_TYPES)),
      direction: z.optional(z.enum(['inbound', 'outbound'])),
      summary: text(2000),
      occurredAt: z.optional(isoDateTime()),
      nextFollowUpAt: z.optional(isoDateTime()),
    }),
  response: () => z.object({ followUp: followUpSchema(), lead: leadSchema() }),
  status: 201,
  idempotent: true,
});

export const listFollowUps = defineRoute({
  operationId: 'listLeadFollowUps',
  method: 'GET',
  path: '/v1/leads/{id}/follow-ups',
  permission: 'pipeline:read',
  summary: 'A lead’s follow-ups, newest first',
  tag: 'Leads',
  params: idParams,
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(followUpSchema()),
  status: 200,
});

export const leadHistory = defineRoute({
  operationId: 'leadHistory',
  method: 'GET',
  path: '/v1/leads/{id}/history',
  permission: 'pipeline:read',
  summary: 'Who did what to a lead: created, assigned, claimed, released, returned (no follow-up), status changes, merged, converted — oldest first',
  tag: 'Leads',
  params: idParams,
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(z.object({ id: z.string(), leadId: z.string(), at: isoDateTime(), actorId: z.string(), action: z.string(), from: z.optional(z.string()), to: z.optional(z.string()), ownerId: z.optional(z.string()), previousOwnerId: z.optional(z.string()), note: z.optional(z.string()) })),
  status: 200,
});

const product = () => z.strictObject({ sku: z.optional(text(64)), name: label(200), quantity: z.int().check(z.minimum(1), z.maximum(1_000_000)), unitPriceMinor: minor() });

export const convertLead = defineRoute({
  operationId: 'convertLead',
  method: 'POST',
  path: '/v1/leads/{id}/convert',
  permission: 'pipeline:write',
  summary: 'Convert in one step: the account (a customer you name, the account with the company’s name, or a new one), the contact (named, found by email or phone, or new) and an opportunity (opportunity: null for none); converting again answers with the same ids',
  tag: 'Leads',
  params: idParams,
  body: () =>
    z.strictObject({
      accountId: z.optional(ulidId()),
      contactId: z.optional(ulidId()),
      opportunity: z.optional(
        z.nullable(
          z.strictObject({
            name: z.optional(label(200)),
            stage: z.optional(z.string().check(z.maxLength(40))),
            amountMinor: z.optional(minor()),
            currency: z.optional(currency()),
            expectedCloseDate: z.optional(day()),
            products: z.optional(z.array(product()).check(z.maxLength(100))),
            competitors: z.optional(z.array(label(100)).check(z.maxLength(20))),
          }),
        ),
      ),
    }),
  response: () => z.object({ lead: leadSchema(), customerId: z.string(), contactId: z.string(), opportunityId: z.optional(z.string()), created: z.array(z.string()) }),
  status: 200,
});

export const mergeLead = defineRoute({
  operationId: 'mergeLead',
  method: 'POST',
  path: '/v1/leads/{id}/merge',
  permission: 'pipeline:write',
  summary: 'Merge a duplicate lead (sourceId) into this one: its follow-ups move here, empty fields are filled from it, it is closed as merged',
  tag: 'Leads',
  params: idParams,
  body: () => z.strictObject({ sourceId: ulidId() }),
  response: leadSchema,
  status: 200,
});

export { product as productInput };
