import * as z from 'zod/mini';
import { defineRoute, once } from './contract';
import { text } from './common';

/**
 * Contracts of the value settings (客户分级): base currency, tiers, lifecycle thresholds and the
 * churn warning are edited here; the RFM cuts and fitted models are shown read-only (scheduled
 * jobs compute them). Semantics (thresholds descending, activeDays < churnDays, ...) are checked
 * by the value models, each problem named (`tiers.tiers[1].minOrders`). See docs/value-models.md.
 */
const wholeDays = () => z.int().check(z.positive(), z.maximum(36_500));
const minor = () => z.int().check(z.minimum(0));
const currency = () => z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD or CNY'));

const tiersSchema = once(() =>
  z.strictObject({
    currency: currency(),
    windowDays: z.optional(z.int()),
    match: z.optional(z.enum(['any', 'all'])),
    tiers: z.array(z.strictObject({ name: text(64), minSpendMinor: z.optional(minor()), minOrders: z.optional(minor()) })).check(z.minLength(1), z.maxLength(20)),
  }),
);
const lifecycleInput = once(() => z.strictObject({ newDays: z.optional(wholeDays()), activeDays: z.optional(wholeDays()), churnDays: z.optional(wholeDays()), reactivatedDays: z.optional(wholeDays()) }));
const churnWarningSchema = once(() =>
  z.strictObject({
    minChurnRisk: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
    minPredictedValue: z.optional(minor()),
    minSpentMinor: z.optional(minor()),
    tag: z.optional(text(64)),
  }),
);

const settingsSchema = once(() =>
  z.object({
    baseCurrency: z.string(),
    tiers: z.optional(tiersSchema()),
    lifecycle: z.object({ newDays: z.number(), activeDays: z.number(), churnDays: z.number(), reactivatedDays: z.number() }),
    churnWarning: z.optional(churnWarningSchema()),
    rfm: z.optional(z.record(z.string(), z.unknown())),
    model: z.optional(z.record(z.string(), z.unknown())),
    version: z.int(),
    rescore: z.optional(z.object({ jobId: z.string(), status: z.string(), links: z.object({ job: z.string() }) })),
  }),
);

export const getValueSettings = defineRoute({
  operationId: 'getValueSettings',
  method: 'GET',
  path: '/v1/settings/value',
  permission: 'segments:read',
  summary: 'The value settings (base currency, tiers, lifecycle thresholds, churn warning), the fitted models and RFM cuts (read-only), and the last rescore',
  tag: 'Value settings',
  response: settingsSchema,
  status: 200,
});

export const putValueSettings = defineRoute({
  operationId: 'putValueSettings',
  method: 'PUT',
  path: '/v1/settings/value',
  permission: 'settings:write',
  summary: 'Replace the editable value settings; send the version you read (409 when stale, 0 before any). A change starts a rescore of every customer',
  tag: 'Value settings',
  body: () =>
    z.strictObject({
      version: z.int().check(z.minimum(0)),
      baseCurrency: currency(),
      tiers: z.optional(tiersSchema()),
      lifecycle: z.optional(lifecycleInput()),
      churnWarning: z.optional(churnWarningSchema()),
    }),
  response: settingsSchema,
  status: 200,
});

