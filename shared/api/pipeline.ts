import * as z from 'zod/mini';
import { STAGE_KINDS, STAGE_REQUIREMENTS, DURATION_UNITS } from '../domain/sales/settings';
import { LEAD_SOURCES } from '../domain/sales/lead';
import { defineRoute, once } from './contract';
import { isoDateTime, text } from './common';

/**
 * The sales pipeline's shared schema pieces, its settings and its reports (pipeline:admin,
 * pipeline:reports). Amounts are integer minor units with an ISO 4217 currency; dates YYYY-MM-DD.
 */
export const repId = () => z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.@:+-]{0,127}$/, 'must be a rep id (the sub of their token)'));
export const ownerQuery = () => z.optional(z.union([z.literal('me'), repId()]));
export const day = () => z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date YYYY-MM-DD'));
export const minor = () => z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));
export const currency = () => z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY'));
export const label = (max = 200) => text(max);
/** Regions and product lines are compared case-folded; `#` is reserved by the pool index. */
export const regionText = () => text(64).check(z.refine((s) => !s.includes('#'), 'must not contain #'));
const slugId = () => z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a lower-case slug (a-z, 0-9, _ -)'));
export const money = once(() => z.record(z.string(), z.number()));

const duration = () => z.strictObject({ amount: z.int(), unit: z.enum(DURATION_UNITS) });
const stage = () => z.strictObject({ id: slugId(), name: label(60), probability: z.int(), kind: z.enum(STAGE_KINDS), required: z._default(z.array(z.enum(STAGE_REQUIREMENTS)), []) });
const rule = () =>
  z.strictObject({
    id: slugId(),
    name: label(100),
    match: z.strictObject({ regions: z.optional(z.array(regionText()).check(z.maxLength(50))), productLines: z.optional(z.array(regionText()).check(z.maxLength(50))), sourceChannels: z.optional(z.array(z.enum(LEAD_SOURCES))) }),
    reps: z.array(repId()).check(z.maxLength(200)),
  });

export const settingsBody = () =>
  z.strictObject({
    version: z.int().check(z.minimum(0)),
    heldLeadLimit: z.int(),
    returnToPoolAfter: duration(),
    reclaimCoolingOff: duration(),
    assignmentRules: z.array(rule()).check(z.maxLength(50)),
    stages: z.array(stage()).check(z.minLength(3), z.maxLength(20)),
    gradeThresholds: z.strictObject({ A: z.int(), B: z.int() }),
    currency: currency(),
    companyName: label(200),
    reportTimeZone: z.string().check(z.maxLength(64)),
    quoteValidityDays: z.int(),
    defaultContractMonths: z.int(),
    renewalReminderDays: z.int(),
    collectionReminderDays: z.int(),
  });

const settingsSchema = once(() =>
  z.object({
    heldLeadLimit: z.int(),
    returnToPoolAfter: z.object({ amount: z.int(), unit: z.enum(DURATION_UNITS) }),
    reclaimCoolingOff: z.object({ amount: z.int(), unit: z.enum(DURATION_UNITS) }),
    assignmentRules: z.array(z.object({ id: z.string(), name: z.string(), match: z.object({ regions: z.optional(z.array(z.string())), productLines: z.optional(z.array(z.string())), sourceChannels: z.optional(z.array(z.string())) }), reps: z.array(z.string()) })),
    stages: z.array(z.object({ id: z.string(), name: z.string(), probability: z.int(), kind: z.enum(STAGE_KINDS), required: z.array(z.enum(STAGE_REQUIREMENTS)) })),
    gradeThresholds: z.object({ A: z.int(), B: z.int() }),
    currency: z.string(),
    companyName: z.string(),
    reportTimeZone: z.string(),
    quoteValidityDays: z.int(),
    defaultContractMonths: z.int(),
    renewalReminderDays: z.int(),
    collectionReminderDays: z.int(),
    version: z.int(),
    updatedAt: z.optional(isoDateTime()),
    updatedBy: z.optional(z.string()),
  }),
);

export const getPipelineSettings = defineRoute({
  operationId: 'getPipelineSettings',
  method: 'GET',
  path: '/v1/pipeline/settings',
  permission: 'pipeline:read',
  summary: 'The pipeline settings: held-lead limit, return to the pool after no follow-up, cooling-off, assignment rules, stages with win probability and required fields, reminders',
  tag: 'Pipeline',
  response: settingsSchema,
  status: 200,
});

export const putPipelineSettings = defineRoute({
  operationId: 'putPipelineSettings',
  method: 'PUT',
  path: '/v1/pipeline/settings',
  permission: 'pipeline:admin',
  summary: 'Replace the pipeline settings (send the version you read; 0 before the first save); a stage holding open opportunities cannot be removed',
  tag: 'Pipeline',
  body: settingsBody,
  response: settingsSchema,
  status: 200,
});

export const funnelReport = defineRoute({
  operationId: 'pipelineFunnel',
  method: 'GET',
  path: '/v1/pipeline/reports/funnel',
  permission: 'pipeline:reports',
  summary: 'The funnel: open count and amount per stage now; over local days from–to the stages reached by the opportunities created then, stage-to-stage conversion, average days in stage, won and lost, win rate per rep and per channel',
  tag: 'Pipeline',
  query: () => z.strictObject({ from: z.optional(day()), to: z.optional(day()) }),
  response: () =>
    z.object({
      period: z.object({ from: z.string(), to: z.string(), timeZone: z.string() }),
      stages: z.array(
        z.object({ id: z.string(), name: z.string(), kind: z.string(), probability: z.int(), open: z.object({ count: z.number(), amount: money() }), reached: z.number(), conversionToNext: z.nullable(z.number()), avgDaysInStage: z.nullable(z.number()) }),
      ),
      created: z.number(),
      won: z.object({ count: z.number(), amount: money() }),
      lost: z.object({ count: z.number(), amount: money(), reasons: z.record(z.string(), z.number()) }),
      winRate: z.nullable(z.number()),
      byRep: z.array(z.object({ repId: z.string(), won: z.number(), lost: z.number(), winRate: z.nullable(z.number()), wonAmount: money(), created: z.number() })),
      byChannel: z.array(z.object({ channel: z.string(), won: z.number(), lost: z.number(), winRate: z.nullable(z.number()), created: z.number() })),
    }),
  status: 200,
});

export const forecastReport = defineRoute({
  operationId: 'pipelineForecast',
  method: 'GET',
  path: '/v1/pipeline/reports/forecast',
  permission: 'pipeline:reports',
  summary: 'The forecast by expected close month: Σ amount × win probability of open opportunities (and unweighted), what was won that month, past-due and undated pipeline, per rep',
  tag: 'Pipeline',
  query: () => z.strictObject({ from: z.optional(z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'))), months: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(24))) }),
  response: () => z.object({ timeZone: z.string(), months: z.array(z.object({ month: z.string(), weighted: money(), pipeline: money(), won: money() })), byRep: z.array(z.object({ repId: z.string(), weighted: money() })) }),
  status: 200,
});

export const receivablesReport = defineRoute({
  operationId: 'pipelineReceivables',
  method: 'GET',
  path: '/v1/pipeline/reports/receivables',
  permission: 'pipeline:reports',
  summary: 'Receivables by rep and age bucket (current, 1–30, 31–60, 61–90, over 90 days overdue) as of today, per currency',
  tag: 'Pipeline',
  response: () => {
    const row = { current: money(), '1-30': money(), '31-60': money(), '61-90': money(), '90+': money(), total: money() };
    return z.object({ asOf: z.string(), timeZone: z.string(), buckets: z.array(z.string()), byRep: z.array(z.object({ repId: z.string(), ...row })), totals: z.object(row) });
  },
  status: 200,
});
