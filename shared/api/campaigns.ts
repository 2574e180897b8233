import * as z from 'zod/mini';
import { AB_METRICS, CAMPAIGN_CHANNELS, CAMPAIGN_STATUSES } from '../domain/campaigns/campaign';
import { RECIPIENT_STATES } from '../domain/campaigns/recipient';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, text, ulidId } from './common';

/**
 * Campaigns (issue 6): an audience of segments minus exclusions, variants (channel, template, send
 * time) with an optional A/B test, a schedule (now, at, local time), a send rate, a coupon pool,
 * the attribution window and the cost for ROI. See docs/campaigns.md.
 */
const int = () => z.int();
const channel = () => z.enum(CAMPAIGN_CHANNELS);

const variantInput = () =>
  z.strictObject({
    id: z.optional(z.string().check(z.regex(/^[A-Z]$/, 'must be one upper-case letter (A, B, ...)'))),
    name: z.optional(text(100)),
    splitPercent: z.optional(int()),
    channel: channel(),
    templateId: ulidId(),
    templateVersion: z.optional(int()),
    sendDelayMinutes: z.optional(int()),
  });

const abTestInput = () =>
  z.strictObject({
    testSharePercent: int(),
    metric: z.enum(AB_METRICS),
    windowMinutes: int(),
    confidence: z.optional(z.number()),
    fallback: z.optional(z.enum(['best-estimate', 'default-variant'])),
    defaultVariant: z.optional(z.string()),
  });

const scheduleInput = () =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('now') }),
    z.strictObject({ kind: z.literal('at'), at: isoDateTime() }),
    z.strictObject({ kind: z.literal('local'), date: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')), time: z.string().check(z.regex(/^\d{2}:\d{2}$/, 'must be a local time HH:MM')) }),
  ]);

const audienceInput = () =>
  z.strictObject({
    segmentIds: z.array(ulidId()).check(z.maxLength(10)),
    excludeSegmentIds: z.optional(z.array(ulidId()).check(z.maxLength(10))),
    excludeRecentDays: z.optional(int()),
  });

const costInput = () =>
  z.strictObject({
    currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code (e.g. USD, CNY)')),
    fixedMinor: z.optional(int()),
    perMessageMinor: z.optional(z.strictObject({ email: z.optional(int()), sms: z.optional(int()), webhook: z.optional(int()) })),
  });

const createBody = () =>
  z.strictObject({
    name: text(200),
    description: z.optional(text(2000)),
    audience: audienceInput(),
    variants: z.array(variantInput()).check(z.maxLength(8)),
    abTest: z.optional(abTestInput()),
    schedule: z.optional(scheduleInput()),
    sendRatePerSecond: z.optional(int()),
    couponPoolId: z.optional(ulidId()),
    attributionWindowDays: z.optional(int()),
    cost: z.optional(costInput()),
  });

const patchBody = () =>
  z.strictObject({
    version: int().check(z.positive()),
    name: z.optional(text(200)),
    description: z.optional(z.nullable(text(2000))),
    audience: z.optional(audienceInput()),
    variants: z.optional(z.array(variantInput()).check(z.maxLength(8))),
    abTest: z.optional(z.nullable(abTestInput())),
    schedule: z.optional(scheduleInput()),
    sendRatePerSecond: z.optional(int()),
    couponPoolId: z.optional(z.nullable(ulidId())),
    attributionWindowDays: z.optional(int()),
    cost: z.optional(costInput()),
  });

const decisionSchema = () =>
  z.object({
    winner: z.string(),
    metric: z.enum(AB_METRICS),
    significant: z.boolean(),
    basis: z.enum(['significant', 'best-estimate', 'default-variant']),
    test: z.enum(['two-proportion-z', 'welch-t']),
    confidence: z.number(),
    alpha: z.number(),
    variants: z.array(z.object({ variant: z.string(), sent: int(), value: z.number(), pValue: z.optional(z.number()), statistic: z.optional(z.number()) })),
    decidedAt: isoDateTime(),
  });

export const campaignSchema = once(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    status: z.enum(CAMPAIGN_STATUSES),
    phase: z.optional(z.enum(['testing', 'waiting-for-winner', 'sending-remainder', 'done'])),
    purpose: z.literal('marketing'),
    audience: z.object({ segmentIds: z.array(z.string()), excludeSegmentIds: z.array(z.string()), excludeRecentDays: z.optional(int()) }),
    variants: z.array(z.object({ id: z.string(), splitPercent: int(), channel: channel(), templateId: z.string(), templateVersion: z.optional(int()), sendDelayMinutes: z.optional(int()) })),
    abTest: z.optional(z.object({ testSharePercent: int(), metric: z.enum(AB_METRICS), windowMinutes: int(), confidence: z.number(), fallback: z.string() })),
    schedule: z.record(z.string(), z.unknown()),
    sendRatePerSecond: int(),
    couponPoolId: z.optional(z.string()),
    attributionWindowDays: int(),
    cost: z.object({ currency: z.string(), fixedMinor: int(), perMessageMinor: z.record(z.string(), int()) }),
    version: int(),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    startAt: z.optional(isoDateTime()),
    decision: z.optional(decisionSchema()),
    run: z.optional(z.object({ startedAt: isoDateTime(), fanoutJobId: z.string(), waves: z.array(z.object({ wave: z.string(), sendAt: isoDateTime(), status: z.string(), expected: int() })) })),
    links: z.object({ self: z.string(), results: z.string(), recipients: z.string() }),
  }),
);

const tag = 'Campaigns';

export const createCampaign = defineRoute({
  operationId: 'createCampaign',
  method: 'POST',
  path: '/v1/campaigns',
  permission: 'marketing:write',
  summary: 'Create a draft campaign: audience (segments minus exclusions), variants (channel, template, split, send delay), optional A/B test, schedule, send rate, coupon pool, attribution window, cost; 400 naming each bad field (no audience, an unknown or empty template, splits not adding up to 100)',
  tag,
  body: createBody,
  response: campaignSchema,
  status: 201,
  idempotent: true,
});

export const listCampaigns = defineRoute({
  operationId: 'listCampaigns',
  method: 'GET',
  path: '/v1/campaigns',
  permission: 'marketing:read',
  summary: 'Campaigns newest first, all or of one status',
  tag,
  query: () => z.strictObject({ ...pageQuery(), status: z.optional(z.enum(CAMPAIGN_STATUSES)) }),
  response: () => pageOf(campaignSchema()),
  status: 200,
});

export const getCampaign = defineRoute({
  operationId: 'getCampaign',
  method: 'GET',
  path: '/v1/campaigns/{id}',
  permission: 'marketing:read',
  summary: 'One campaign with its status, A/B phase and decision, and how its waves stand',
  tag,
  params: idParams,
  response: campaignSchema,
  status: 200,
});

export const updateCampaign = defineRoute({
  operationId: 'updateCampaign',
  method: 'PATCH',
  path: '/v1/campaigns/{id}',
  permission: 'marketing:write',
  summary: 'Edit a draft or scheduled campaign (send the version you read; 409 naming the rule once it runs); null clears description, coupon pool or A/B test',
  tag,
  params: idParams,
  body: patchBody,
  response: campaignSchema,
  status: 200,
});

export const deleteCampaign = defineRoute({
  operationId: 'deleteCampaign',
  method: 'DELETE',
  path: '/v1/campaigns/{id}',
  permission: 'marketing:write',
  summary: 'Delete a draft (409 delete-only-draft otherwise: cancel it instead)',
  tag,
  params: idParams,
  response: campaignSchema,
  status: 200,
});

export const previewCampaignAudience = defineRoute({
  operationId: 'previewCampaignAudience',
  method: 'GET',
  path: '/v1/campaigns/{id}/audience',
  permission: 'marketing:read',
  summary: 'Audience preview: members of the included segments, left out by exclusions, and reachable now after consent, suppression and frequency caps (exact up to 1,000 members, else a sample-based estimate)',
  tag,
  params: idParams,
  response: () =>
    z.object({
      members: int(),
      exact: z.boolean(),
      sampled: int(),
      excluded: z.object({ segment: int(), recent: int() }),
      eligible: int(),
      reachable: int(),
      unreachable: z.record(z.string(), int()),
      segments: z.array(z.object({ segmentId: z.string(), members: int() })),
    }),
  status: 200,
});

const actionRoute = (operationId: string, path: string, summary: string) =>
  defineRoute({ operationId, method: 'POST', path, permission: 'marketing:send', summary, tag, params: idParams, response: campaignSchema, status: 200 });

export const scheduleCampaign = defineRoute({
  operationId: 'scheduleCampaign',
  method: 'POST',
  path: '/v1/campaigns/{id}/schedule',
  permission: 'marketing:send',
  summary: 'Schedule a draft, or start it now when its schedule is now (or its instant has come); checked again in full; 409 schedule-only-draft',
  tag,
  params: idParams,
  body: () => z.strictObject({ version: z.optional(int().check(z.positive())) }),
  response: campaignSchema,
  status: 200,
});
export const pauseCampaign = actionRoute('pauseCampaign', '/v1/campaigns/{id}/pause', 'Pause a running campaign: no new step or send starts (409 pause-only-running)');
export const resumeCampaign = actionRoute('resumeCampaign', '/v1/campaigns/{id}/resume', 'Resume a paused campaign from where it stopped (409 resume-only-paused)');
export const cancelCampaign = actionRoute('cancelCampaign', '/v1/campaigns/{id}/cancel', 'Cancel a scheduled, running or paused campaign for good (409 cancel-only-active)');

const rate = () => z.nullable(z.number());
const rowSchema = () =>
  z.object({
    recipients: int(),
    sent: int(),
    delivered: int(),
    opened: int(),
    clicked: int(),
    converted: int(),
    skipped: int(),
    skippedBy: z.record(z.string(), int()),
    revenueMinor: z.record(z.string(), int()),
    revenue: int(),
    costMinor: int(),
    roi: z.nullable(z.number()),
    rates: z.object({ delivery: rate(), open: rate(), click: rate(), clickToOpen: rate(), conversion: rate(), unsubscribe: rate() }),
  });

export const campaignResults = defineRoute({
  operationId: 'campaignResults',
  method: 'GET',
  path: '/v1/campaigns/{id}/results',
  permission: 'marketing:read',
  summary: 'Results in total, per variant and per channel: recipients, sent, delivered, opens, clicks, conversions, rates, revenue, cost and ROI; the A/B decision with its statistics',
  tag,
  params: idParams,
  response: () =>
    z.object({
      campaignId: z.string(),
      status: z.enum(CAMPAIGN_STATUSES),
      currency: z.string(),
      total: rowSchema(),
      byVariant: z.record(z.string(), rowSchema()),
      byChannel: z.record(z.string(), rowSchema()),
      excluded: z.object({ segment: int(), recent: int(), duplicate: int() }),
      decision: z.optional(decisionSchema()),
      generatedAt: isoDateTime(),
    }),
  status: 200,
});

export const listCampaignRecipients = defineRoute({
  operationId: 'listCampaignRecipients',
  method: 'GET',
  path: '/v1/campaigns/{id}/recipients',
  permission: 'marketing:read',
  summary: 'Recipients in one state (queued, scheduled, sent, skipped, failed, delivered, bounced, opened, clicked, converted, complained, unsubscribed), by customer id, paged',
  tag,
  params: idParams,
  query: () => z.strictObject({ ...pageQuery(), state: z.enum(RECIPIENT_STATES) }),
  response: () =>
    pageOf(
      z.object({
        customerId: z.string(),
        state: z.enum(RECIPIENT_STATES),
        variant: z.optional(z.string()),
        channel: z.optional(channel()),
        wave: z.string(),
        reason: z.optional(z.string()),
        couponCode: z.optional(z.string()),
        messageId: z.optional(z.string()),
        queuedAt: isoDateTime(),
        sentAt: z.optional(isoDateTime()),
      }),
    ),
  status: 200,
});

export const testSendCampaign = defineRoute({
  operationId: 'testSendCampaign',
  method: 'POST',
  path: '/v1/campaigns/{id}/test-send',
  permission: 'marketing:send',
  summary: 'Send one variant as a test ([TEST] in the subject) to an address or to one customer; no consent, caps or stats',
  tag,
  params: idParams,
  body: () => z.strictObject({ variant: z.optional(z.string()), customerId: z.optional(ulidId()), to: z.optional(z.string().check(z.maxLength(320))) }),
  response: () => z.object({ messageId: z.string(), channel: z.string(), to: z.string(), variant: z.string(), sentAt: isoDateTime() }),
  status: 202,
});
