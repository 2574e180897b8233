import { ConflictError, type FieldIssue } from '../errors';

/**
 * Campaigns (营销活动): an audience (segments minus exclusions), one or more variants (channel,
 * template, send time) with their split, an optional A/B test on a share of the audience, a
 * schedule (now, at an instant, or at a local time in each customer's time zone), a send rate, an
 * optional coupon pool, the attribution window and the cost for ROI. Pure: the rules of the model
 * and its lifecycle; existence of segments, templates and pools is checked by the use cases.
 */
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** The channels of the send pipeline (shared/usecases/messaging/types.ts DELIVERY_CHANNELS). */
export const CAMPAIGN_CHANNELS = ['email', 'sms', 'webhook'] as const;
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];

export const AB_METRICS = ['open-rate', 'click-rate', 'conversion-rate', 'revenue-per-recipient'] as const;
export type AbMetric = (typeof AB_METRICS)[number];

export type Schedule = { kind: 'now' } | { kind: 'at'; at: string } | { kind: 'local'; date: string; time: string };

export interface Variant {
  /** `A`, `B`, ... (one upper-case letter). */
  id: string;
  name?: string;
  /** Share of the (test) audience, whole percent; the variants' shares add up to 100. */
  splitPercent: number;
  channel: CampaignChannel;
  templateId: string;
  /** Pin a template version (a subject test: two versions of one template); default the current one. */
  templateVersion?: number;
  /** A send-time variant: sent this many minutes after the campaign starts. */
  sendDelayMinutes?: number;
}

export interface AbTest {
  /** The share of the audience that gets the test (the rest gets the winner), whole percent. */
  testSharePercent: number;
  metric: AbMetric;
  /** The test window: the winner is picked this many minutes after the last test variant was sent. */
  windowMinutes: number;
  /** Confidence of the significance test (0.8 to 0.999; default 0.95). */
  confidence: number;
  /** No significant winner: `best-estimate` sends the better point estimate, `default-variant` sends `defaultVariant`. */
  fallback: 'best-estimate' | 'default-variant';
  defaultVariant?: string;
}

export interface Audience {
  segmentIds: string[];
  excludeSegmentIds: string[];
  /** Leave out customers who got a message of another campaign in the last N days. */
  excludeRecentDays?: number;
}

export interface CampaignCost {
  /** ISO 4217; revenue in this currency is set against the cost (ROI). */
  currency: string;
  /** Fixed cost of the campaign (creative, agency), minor units. */
  fixedMinor: number;
  /** Cost per message sent, per channel, minor units. */
  perMessageMinor: Partial<Record<CampaignChannel, number>>;
}

export interface AbDecisionVariant {
  variant: string;
  /** Messages sent to the variant's test recipients (the denominator). */
  sent: number;
  /** The metric's value: a rate (0..1) or revenue per recipient in minor units. */
  value: number;
  /** Successes of a proportion metric (opens, clicks, conversions). */
  successes?: number;
  /** Against the winner (two-sided). */
  pValue?: number;
  statistic?: number;
}

export interface AbDecision {
  winner: string;
  metric: AbMetric;
  confidence: number;
  significant: boolean;
  /** `significant`, `best-estimate` or `default-variant` (the fallback used). */
  basis: 'significant' | 'best-estimate' | 'default-variant';
  test: 'two-proportion-z' | 'welch-t';
  /** The significance level each comparison was held to (Bonferroni over the comparisons with the winner). */
  alpha: number;
  variants: AbDecisionVariant[];
  decidedAt: string;
}

export interface Campaign {
  id: string;
  name: string;
  description?: string;
  status: CampaignStatus;
  /** Campaigns are marketing messages: consent, suppression, quiet hours and caps apply. */
  purpose: 'marketing';
  audience: Audience;
  variants: Variant[];
  abTest?: AbTest;
  schedule: Schedule;
  /** Messages per second, at most (spread over the fan-out). */
  sendRatePerSecond: number;
  couponPoolId?: string;
  attributionWindowDays: number;
  cost: CampaignCost;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  /** When the send starts (scheduled or started): the schedule's instant, or the first local-time zone's. */
  startAt?: string;
  scheduledAt?: string;
  startedAt?: string;
  pausedAt?: string;
  completedAt?: string;
  cancelledAt?: string;
  /** The A/B test's outcome, once picked. */
  decision?: AbDecision;
}

export type CampaignInput = Pick<Campaign, 'name' | 'audience' | 'variants' | 'schedule'> &
  Partial<Pick<Campaign, 'description' | 'abTest' | 'sendRatePerSecond' | 'couponPoolId' | 'attributionWindowDays' | 'cost'>>;

export const CAMPAIGN_DEFAULTS = { sendRatePerSecond: 100, attributionWindowDays: 5, confidence: 0.95 } as const;
export const CAMPAIGN_LIMITS = {
  segments: 10,
  exclusions: 10,
  variants: 8,
  sendRatePerSecond: 10_000,
  attributionWindowDays: 90,
  excludeRecentDays: 365,
  windowMinutes: 30 * 24 * 60,
  sendDelayMinutes: 7 * 24 * 60,
} as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const VARIANT_ID = /^[A-Z]$/;
const CURRENCY = /^[A-Z]{3}$/;

function isRealDate(d: string): boolean {
  if (!DATE.test(d)) return false;
  const t = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
}

const isInt = (n: unknown, min: number, max: number) => Number.isInteger(n) && (n as number) >= min && (n as number) <= max;

/** Every problem of a campaign's definition, each naming its field (400 problem+json). */
export function campaignIssues(c: Omit<Campaign, 'id' | 'status' | 'version' | 'createdAt' | 'updatedAt' | 'createdBy' | 'purpose'>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (field: string, message: string) => issues.push({ field, message });
  const { audience, variants, abTest, schedule } = c;

  if (audience.segmentIds.length === 0) add('audience.segmentIds', 'a campaign needs an audience: name at least one segment');
  if (audience.segmentIds.length > CAMPAIGN_LIMITS.segments) add('audience.segmentIds', `at most ${CAMPAIGN_LIMITS.segments} segments`);
  if (new Set(audience.segmentIds).size !== audience.segmentIds.length) add('audience.segmentIds', 'names a segment twice');
  if (audience.excludeSegmentIds.length > CAMPAIGN_LIMITS.exclusions) add('audience.excludeSegmentIds', `at most ${CAMPAIGN_LIMITS.exclusions} segments`);
  audience.excludeSegmentIds.forEach((id, i) => {
    if (audience.segmentIds.includes(id)) add(`audience.excludeSegmentIds[${i}]`, 'is also an included segment: nobody of it would be sent to');
  });
  if (audience.excludeRecentDays !== undefined && !isInt(audience.excludeRecentDays, 1, CAMPAIGN_LIMITS.excludeRecentDays)) add('audience.excludeRecentDays', `must be a whole number of days from 1 to ${CAMPAIGN_LIMITS.excludeRecentDays}`);

  if (variants.length === 0) add('variants', 'a campaign needs at least one variant (channel and template)');
  if (variants.length > CAMPAIGN_LIMITS.variants) add('variants', `at most ${CAMPAIGN_LIMITS.variants} variants`);
  const ids = new Set<string>();
  variants.forEach((v, i) => {
    if (!VARIANT_ID.test(v.id)) add(`variants[${i}].id`, 'must be one upper-case letter (A, B, ...)');
    else if (ids.has(v.id)) add(`variants[${i}].id`, `repeats variant ${v.id}`);
    ids.add(v.id);
    if (!isInt(v.splitPercent, 1, 100)) add(`variants[${i}].splitPercent`, 'must be a whole percent from 1 to 100');
    if (v.templateVersion !== undefined && !isInt(v.templateVersion, 1, 1_000_000)) add(`variants[${i}].templateVersion`, 'must be a version number (1 or more)');
    if (v.sendDelayMinutes !== undefined) {
      if (!isInt(v.sendDelayMinutes, 0, CAMPAIGN_LIMITS.sendDelayMinutes)) add(`variants[${i}].sendDelayMinutes`, `must be whole minutes from 0 to ${CAMPAIGN_LIMITS.sendDelayMinutes}`);
      else if (schedule.kind === 'local' && v.sendDelayMinutes > 0) add(`variants[${i}].sendDelayMinutes`, 'send-time variants are not available with a local-time schedule (the local time is the send time)');
    }
  });
  const total = variants.reduce((s, v) => s + (Number.isInteger(v.splitPercent) ? v.splitPercent : 0), 0);
  if (variants.length > 0 && total !== 100) add('variants', `the split percentages must add up to 100 (they add up to ${total})`);

  if (abTest) {
    if (variants.length < 2) add('abTest', 'an A/B test needs two or more variants');
    if (!isInt(abTest.testSharePercent, 1, 99)) add('abTest.testSharePercent', 'must be a whole percent from 1 to 99 (the rest gets the winner)');
    if (!isInt(abTest.windowMinutes, 1, CAMPAIGN_LIMITS.windowMinutes)) add('abTest.windowMinutes', `must be whole minutes from 1 to ${CAMPAIGN_LIMITS.windowMinutes}`);
    if (!(typeof abTest.confidence === 'number' && abTest.confidence >= 0.8 && abTest.confidence <= 0.999)) add('abTest.confidence', 'must be from 0.8 to 0.999');
    if (abTest.fallback === 'default-variant' && (!abTest.defaultVariant || !ids.has(abTest.defaultVariant))) add('abTest.defaultVariant', 'must name one of the variants when the fallback is default-variant');
    if (abTest.fallback !== 'default-variant' && abTest.defaultVariant !== undefined) add('abTest.defaultVariant', 'is only used with the fallback default-variant');
    if (schedule.kind === 'local') add('abTest', 'an A/B test cannot be combined with a local-time schedule (the remainder could not wait for the winner in every time zone)');
  }

  if (schedule.kind === 'at' && Number.isNaN(Date.parse(schedule.at))) add('schedule.at', 'must be an ISO-8601 instant');
  if (schedule.kind === 'local') {
    if (!isRealDate(schedule.date)) add('schedule.date', 'must be a date YYYY-MM-DD');
    if (!HHMM.test(schedule.time)) add('schedule.time', 'must be a local time HH:MM');
  }
  if (c.sendRatePerSecond !== undefined && !isInt(c.sendRatePerSecond, 1, CAMPAIGN_LIMITS.sendRatePerSecond)) add('sendRatePerSecond', `must be a whole number of messages per second from 1 to ${CAMPAIGN_LIMITS.sendRatePerSecond}`);
  if (!isInt(c.attributionWindowDays, 1, CAMPAIGN_LIMITS.attributionWindowDays)) add('attributionWindowDays', `must be whole days from 1 to ${CAMPAIGN_LIMITS.attributionWindowDays}`);
  if (!CURRENCY.test(c.cost.currency)) add('cost.currency', 'must be an ISO 4217 code (e.g. USD, CNY)');
  if (!isInt(c.cost.fixedMinor, 0, Number.MAX_SAFE_INTEGER)) add('cost.fixedMinor', 'must be a whole amount in minor units, 0 or more');
  for (const [ch, v] of Object.entries(c.cost.perMessageMinor)) {
    if (!(CAMPAIGN_CHANNELS as readonly string[]).includes(ch)) add(`cost.perMessageMinor.${ch}`, `is not a channel (${CAMPAIGN_CHANNELS.join(', ')})`);
    else if (!isInt(v, 0, 1_000_000)) add(`cost.perMessageMinor.${ch}`, 'must be a whole amount in minor units, 0 or more');
  }
  return issues;
}

/** A lifecycle rule refused the action: 409 naming the rule. */
export class CampaignRuleViolation extends ConflictError {
  constructor(
    readonly rule: string,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message, { rule, ...extra });
  }
}

export const isEditable = (s: CampaignStatus) => s === 'draft' || s === 'scheduled';

export function assertEditable(c: Pick<Campaign, 'id' | 'status'>): void {
  if (!isEditable(c.status)) throw new CampaignRuleViolation('edit-only-draft-or-scheduled', `Campaign ${c.id} is ${c.status}: a campaign can be edited only while it is a draft or scheduled.`, { status: c.status });
}

export function assertDeletable(c: Pick<Campaign, 'id' | 'status'>): void {
  if (c.status !== 'draft') throw new CampaignRuleViolation('delete-only-draft', `Campaign ${c.id} is ${c.status}: only a draft can be deleted (cancel a scheduled or running one).`, { status: c.status });
}

export type CampaignAction = 'schedule' | 'pause' | 'resume' | 'cancel';

/** Which statuses each action starts from, and the rule named when it does not. */
const FROM: Record<CampaignAction, { from: readonly CampaignStatus[]; rule: string; says: string }> = {
  schedule: { from: ['draft'], rule: 'schedule-only-draft', says: 'only a draft can be scheduled or started' },
  pause: { from: ['running'], rule: 'pause-only-running', says: 'only a running campaign can be paused' },
  resume: { from: ['paused'], rule: 'resume-only-paused', says: 'only a paused campaign can be resumed' },
  cancel: { from: ['scheduled', 'running', 'paused'], rule: 'cancel-only-active', says: 'only a scheduled, running or paused campaign can be cancelled' },
};

export function assertTransition(c: Pick<Campaign, 'id' | 'status'>, action: CampaignAction): void {
  const f = FROM[action];
  if (!f.from.includes(c.status)) throw new CampaignRuleViolation(f.rule, `Campaign ${c.id} is ${c.status}: ${f.says}.`, { status: c.status });
}

/** The statuses an action leads to (schedule: `scheduled`, or `running` when it starts now). */
export const canTransition = (status: CampaignStatus, action: CampaignAction) => FROM[action].from.includes(status);
