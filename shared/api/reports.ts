import * as z from 'zod/mini';
import { defineRoute, once } from './contract';

/**
 * The analytics reports (issue 9): KPIs from the rollups and the daily full pass, never a scan at
 * request time. Every report takes a period (`from`, `to`: UTC days; `granularity` day, week or
 * month), answers JSON, or a CSV download with `format=csv`. Metric names, dimensions, filters and
 * periods are checked by the use cases, which name each bad one in a 400.
 */
const str = (max = 300) => z.optional(z.string().check(z.maxLength(max)));
const format = () => z.optional(z.enum(['json', 'csv']));
const period = () => ({ from: str(10), to: str(10), granularity: str(10), format: format() });
const num = () => z.nullable(z.number());
const rows = () => z.array(z.record(z.string(), z.union([z.number(), z.string(), z.null()])));
const seriesSchema = () => z.array(z.object({ key: z.string(), rows: rows(), totals: z.record(z.string(), z.union([z.number(), z.string(), z.null()])) }));
const freshness = () => z.object({ snapshotAsOf: z.nullable(z.string()), partial: z.boolean() });
const periodOut = () => z.object({ from: z.string(), to: z.string(), granularity: z.string() });
const filterOut = () => z.nullable(z.object({ dim: z.string(), value: z.string() }));
const csvOr = <T extends z.ZodMiniType>(t: T) => z.union([t, z.string()]);
const anyRecord = () => z.record(z.string(), z.unknown());

export const overviewReport = defineRoute({
  operationId: 'reportOverview',
  method: 'GET',
  path: '/v1/reports/overview',
  permission: 'analytics:read',
  summary: 'KPI cards over a period (default the last 30 days) against the period before: revenue, orders, AOV, new profiles, new buyers, buyers and repurchase rate (exact for 7/30/90/365 days), active customers, churn rate, checkout conversion, messages sent, attributed revenue; a daily trend',
  tag: 'Reports',
  query: () => z.strictObject({ from: str(10), to: str(10), currency: str(3), format: format() }),
  response: () =>
    csvOr(
      z.object({
        period: z.object({ from: z.string(), to: z.string() }),
        previous: z.object({ from: z.string(), to: z.string() }),
        currency: z.string(),
        freshness: freshness(),
        cards: z.array(z.object({ id: z.string(), unit: z.string(), value: num(), previous: num(), change: num() })),
        trend: z.array(z.object({ day: z.string(), revenue: z.number(), orders: z.number(), newProfiles: z.number() })),
      }),
    ),
  status: 200,
});

export const salesReport = defineRoute({
  operationId: 'reportSales',
  method: 'GET',
  path: '/v1/reports/sales',
  permission: 'analytics:read',
  summary: 'Purchasing per bucket: orders, revenue (net, by order date), gross, refunds, AOV, units, cancelled; buyers, new, returning and repeat buyers, repurchase rate, purchase frequency. `metrics`, `by` (store, channel), `store` or `channel` filter, `currency`',
  tag: 'Reports',
  query: () => z.strictObject({ ...period(), metrics: str(), by: str(20), store: str(), channel: str(), currency: str(3) }),
  response: () => csvOr(z.object({ period: periodOut(), currency: z.string(), metrics: z.array(z.string()), filter: filterOut(), by: z.nullable(z.string()), freshness: freshness(), series: seriesSchema(), notes: z.array(z.string()) })),
  status: 200,
});

export const customersReport = defineRoute({
  operationId: 'reportCustomers',
  method: 'GET',
  path: '/v1/reports/customers',
  permission: 'analytics:read',
  summary: 'The customer base per bucket: profiles created, deleted, merged (by source channel or store); customers, buyers, new buyers, lifecycle stages, churned, churn and growth rates; now: split by source channel and store, data quality (completeness, contactable, duplicate candidates)',
  tag: 'Reports',
  query: () => z.strictObject({ ...period(), metrics: str(), by: str(20), store: str(), channel: str() }),
  response: () => csvOr(z.object({ period: periodOut(), metrics: z.array(z.string()), filter: filterOut(), by: z.nullable(z.string()), freshness: freshness(), series: seriesSchema(), current: z.nullable(anyRecord()) })),
  status: 200,
});

export const cohortsReport = defineRoute({
  operationId: 'reportCohorts',
  method: 'GET',
  path: '/v1/reports/cohorts',
  permission: 'analytics:read',
  summary: 'Retention by first-order month: month × months since (`months`, up to 36); `metric` retention (share), customers, revenue or revenuePerCustomer; cohorts `from`–`to` (YYYY-MM, at most 60)',
  tag: 'Reports',
  query: () => z.strictObject({ from: str(7), to: str(7), metric: str(30), months: str(3), format: format() }),
  response: () => csvOr(z.object({ from: z.string(), to: z.string(), metric: z.string(), months: z.number(), freshness: freshness(), cohorts: z.array(z.object({ month: z.string(), size: z.number(), values: z.array(num()) })) })),
  status: 200,
});

export const valueReport = defineRoute({
  operationId: 'reportValue',
  method: 'GET',
  path: '/v1/reports/value',
  permission: 'analytics:read',
  summary: 'Customer value as of a snapshot day (`asOf`): RFM groups, the R × FM grid, movement between groups over `window` 7, 30 or 90 days, lifetime value and predicted CLV distributions, churn risk, lifecycle, tiers',
  tag: 'Reports',
  query: () => z.strictObject({ asOf: str(10), window: str(3), format: format() }),
  response: () => csvOr(anyRecord()),
  status: 200,
});

export const checkoutsReport = defineRoute({
  operationId: 'reportCheckouts',
  method: 'GET',
  path: '/v1/reports/checkouts',
  permission: 'analytics:read',
  summary: 'The checkout → order funnel by the day checkouts started: started, abandoned, completed, recovered, values, conversion, abandonment and recovery rates; orders for scale. `by` or filter `store`',
  tag: 'Reports',
  query: () => z.strictObject({ ...period(), metrics: str(), by: str(20), store: str(), channel: str(), currency: str(3) }),
  response: () => csvOr(z.object({ period: periodOut(), currency: z.string(), metrics: z.array(z.string()), filter: filterOut(), by: z.nullable(z.string()), series: seriesSchema() })),
  status: 200,
});

export const marketingReport = defineRoute({
  operationId: 'reportMarketing',
  method: 'GET',
  path: '/v1/reports/marketing',
  permission: 'analytics:read',
  summary: 'Messages per bucket (sent … converted, attributed revenue; `by` channel or source); each campaign and journey active in the period with rates, revenue, cost and ROI; acquisition cost per source channel from the costs entered',
  tag: 'Reports',
  query: () => z.strictObject({ ...period(), metrics: str(), by: str(20), channel: str(), currency: str(3) }),
  response: () => csvOr(z.object({ period: periodOut(), currency: z.string(), metrics: z.array(z.string()), filter: filterOut(), by: z.nullable(z.string()), series: seriesSchema(), sources: z.array(anyRecord()), acquisition: z.array(anyRecord()), costsEntered: z.boolean() })),
  status: 200,
});

export const serviceTrendReport = defineRoute({
  operationId: 'reportServiceTrend',
  method: 'GET',
  path: '/v1/reports/service-trend',
  permission: 'service:reports',
  summary: 'The service desk per bucket: created, solved, reopened, first-response and resolution minutes, SLA compliance, CSAT, NPS; tickets solved per agent over the period and open per agent now',
  tag: 'Reports',
  query: () => z.strictObject({ ...period(), metrics: str() }),
  response: () => csvOr(z.object({ period: z.object({ from: z.string(), to: z.string(), granularity: z.string(), timeZone: z.string() }), metrics: z.array(z.string()), rows: rows(), totals: anyRecord(), agents: z.array(z.object({ agentId: z.string(), solved: z.number(), open: z.number() })), current: anyRecord() })),
  status: 200,
});

export const salesActivityReport = defineRoute({
  operationId: 'reportSalesActivity',
  method: 'GET',
  path: '/v1/reports/sales-activity',
  permission: 'pipeline:reports',
  summary: 'Leads created, converted and followed up, opportunities created, won, lost, win rate per bucket; the lead → opportunity → won funnel; follow-ups, win rate and won amount per rep',
  tag: 'Reports',
  query: () => z.strictObject({ ...period(), metrics: str(), currency: str(3) }),
  response: () => csvOr(z.object({ period: periodOut(), currency: z.string(), metrics: z.array(z.string()), rows: rows(), totals: anyRecord(), funnel: z.array(z.object({ step: z.string(), count: z.number() })), reps: z.array(anyRecord()) })),
  status: 200,
});

// ---- Costs and runs

const month = () => z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'));
const amounts = () => z.record(z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'must be a channel slug or an id')), z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER)));
const costsSchema = once(() => z.object({ month: z.string(), currency: z.string(), channels: z.record(z.string(), z.number()), journeys: z.record(z.string(), z.number()), updatedAt: z.string(), updatedBy: z.string() }));

export const putCosts = defineRoute({
  operationId: 'putMarketingCosts',
  method: 'PUT',
  path: '/v1/analytics/costs/{month}',
  permission: 'analytics:manage',
  summary: "Replace a month's marketing costs: acquisition spend per source channel (`channels`, minor units) and journey costs (`journeys`, by journey id), in one `currency`",
  tag: 'Analytics',
  params: () => z.strictObject({ month: month() }),
  body: () =>
    z.strictObject({
      currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')),
      channels: z.optional(amounts().check(z.refine((r) => Object.keys(r).length <= 100, 'at most 100 channels'))),
      journeys: z.optional(amounts().check(z.refine((r) => Object.keys(r).length <= 200, 'at most 200 journeys'))),
    }),
  response: costsSchema,
  status: 200,
});

export const listCosts = defineRoute({
  operationId: 'listMarketingCosts',
  method: 'GET',
  path: '/v1/analytics/costs',
  permission: 'analytics:read',
  summary: 'Marketing costs entered for the months `from`–`to` (YYYY-MM; default the last 12)',
  tag: 'Analytics',
  query: () => z.strictObject({ from: z.optional(month()), to: z.optional(month()) }),
  response: () => z.object({ items: z.array(costsSchema()) }),
  status: 200,
});

const runSchema = once(() =>
  z.object({
    id: z.string(),
    kind: z.enum(['snapshot', 'export']),
    status: z.enum(['queued', 'running', 'completed', 'failed']),
    trigger: z.enum(['schedule', 'request']),
    requestedBy: z.string(),
    createdAt: z.string(),
    startedAt: z.optional(z.string()),
    finishedAt: z.optional(z.string()),
    asOf: z.optional(z.string()),
    eventDays: z.optional(z.object({ from: z.string(), to: z.string() })),
    result: z.optional(anyRecord()),
    error: z.optional(z.string()),
  }),
);

export const createRun = defineRoute({
  operationId: 'createAnalyticsRun',
  method: 'POST',
  path: '/v1/analytics/runs',
  permission: 'analytics:manage',
  summary: 'Run the analytics full pass (`snapshot`) or the lake export (`export`, optionally `eventDays` to rewrite) now, in the background; 202 with the run to poll',
  tag: 'Analytics',
  body: () => z.strictObject({ kind: z.enum(['snapshot', 'export']), eventDays: z.optional(z.strictObject({ from: z.string(), to: z.string() })) }),
  response: runSchema,
  status: 202,
  idempotent: true,
  throttle: { rateLimit: 1, burstLimit: 2 },
});

export const getRun = defineRoute({
  operationId: 'getAnalyticsRun',
  method: 'GET',
  path: '/v1/analytics/runs/{id}',
  permission: 'analytics:read',
  summary: 'One snapshot or export run: status, times, what it wrote',
  tag: 'Analytics',
  params: () => z.strictObject({ id: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an id issued by this API')) }),
  response: runSchema,
  status: 200,
});

export const listRuns = defineRoute({
  operationId: 'listAnalyticsRuns',
  method: 'GET',
  path: '/v1/analytics/runs',
  permission: 'analytics:read',
  summary: 'The latest snapshot and export runs, newest first (`limit`, 1–50)',
  tag: 'Analytics',
  query: () => z.strictObject({ limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(50)), 20) }),
  response: () => z.object({ items: z.array(runSchema()) }),
  status: 200,
});
