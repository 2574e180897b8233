import { isTestWave, MAIN_WAVE } from '../../domain/campaigns/assignment';
import {
  assertDeletable,
  assertEditable,
  CAMPAIGN_DEFAULTS,
  campaignIssues,
  type AbTest,
  type Audience,
  type Campaign,
  type CampaignChannel,
  type CampaignCost,
  type Schedule,
  type Variant,
} from '../../domain/campaigns/campaign';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../domain/errors';
import { contentIssues, type TemplateChannel } from '../../domain/messaging/templates';
import type { Deps } from '../../runtime/deps';
import { countMetric } from '../../runtime/observability';
import { CampaignsRepo, type CampaignRun } from '../../store/campaigns-repo';
import { CouponsRepo } from '../../store/coupons-repo';
import { repoOf } from '../../store/repo-of';
import { TemplatesRepo } from '../../store/templates-repo';
import type { Ctx } from '../customers';
import { settingsOf } from '../messaging/decide';

/**
 * Campaigns (营销活动): create, read, list, edit (draft and scheduled only, over the version read)
 * and delete (drafts only). A definition is checked twice — its shape by the domain rules, its
 * references here: every segment exists, every variant's template exists, is active, is of the
 * variant's channel and has sendable content, and the coupon pool exists — each refusal a 400
 * naming the field. The lifecycle (schedule, pause, resume, cancel) is ./lifecycle.ts.
 */
export interface VariantInput {
  id?: string;
  name?: string;
  splitPercent?: number;
  channel: CampaignChannel;
  templateId: string;
  templateVersion?: number;
  sendDelayMinutes?: number;
}

export interface CampaignInput {
  name: string;
  description?: string;
  audience: { segmentIds: string[]; excludeSegmentIds?: string[]; excludeRecentDays?: number };
  variants: VariantInput[];
  abTest?: Omit<AbTest, 'confidence' | 'fallback'> & Partial<Pick<AbTest, 'confidence' | 'fallback'>>;
  schedule?: Schedule;
  sendRatePerSecond?: number;
  couponPoolId?: string;
  attributionWindowDays?: number;
  cost?: { currency: string; fixedMinor?: number; perMessageMinor?: Partial<Record<CampaignChannel, number>> };
}

export type CampaignPatch = { version: number } & Partial<Omit<CampaignInput, 'description' | 'couponPoolId' | 'abTest'>> & {
  description?: string | null;
  couponPoolId?: string | null;
  abTest?: CampaignInput['abTest'] | null;
};

const LETTERS = 'ABCDEFGH';
export const campaigns = (deps: Pick<Deps, 'db'>) => repoOf(deps, CampaignsRepo);

/** Variant ids A, B, … when not given, and an even split (the first ones take the rest) when no variant gives one. */
export function normalizeVariants(input: readonly VariantInput[]): Variant[] {
  const even = input.every((v) => v.splitPercent === undefined);
  const base = Math.floor(100 / Math.max(1, input.length));
  const extra = 100 - base * input.length;
  return input.map((v, i) => ({
    id: v.id ?? LETTERS[i] ?? `V${i}`,
    ...(v.name ? { name: v.name } : {}),
    splitPercent: v.splitPercent ?? (even ? base + (i < extra ? 1 : 0) : 0),
    channel: v.channel,
    templateId: v.templateId,
    ...(v.templateVersion !== undefined ? { templateVersion: v.templateVersion } : {}),
    ...(v.sendDelayMinutes !== undefined ? { sendDelayMinutes: v.sendDelayMinutes } : {}),
  }));
}

function normalizeAb(ab: CampaignInput['abTest']): AbTest | undefined {
  if (!ab) return undefined;
  return { ...ab, confidence: ab.confidence ?? CAMPAIGN_DEFAULTS.confidence, fallback: ab.fallback ?? 'best-estimate' };
}

const audienceOf = (a: CampaignInput['audience']): Audience => ({ segmentIds: a.segmentIds, excludeSegmentIds: a.excludeSegmentIds ?? [], ...(a.excludeRecentDays !== undefined ? { excludeRecentDays: a.excludeRecentDays } : {}) });

const costOf = (c: CampaignInput['cost'], currency: string): CampaignCost => ({ currency: c?.currency ?? currency, fixedMinor: c?.fixedMinor ?? 0, perMessageMinor: { ...(c?.perMessageMinor ?? {}) } });

function assertShape(c: Parameters<typeof campaignIssues>[0]): void {
  const issues = campaignIssues(c);
  if (issues.length) throw new ValidationError(issues, `The campaign is invalid: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
}

/** The references of a definition: segments, templates (active, of the channel, sendable content), the coupon pool. */
export async function checkReferences(ctx: Ctx, c: Pick<Campaign, 'audience' | 'variants' | 'couponPoolId'>): Promise<void> {
  const { deps } = ctx;
  const issues: FieldIssue[] = [];
  const segmentField = async (ids: readonly string[], field: string) => {
    const found = await Promise.all(ids.map((id) => deps.definitions.getSegment(id)));
    found.forEach((s, i) => {
      if (!s) issues.push({ field: `${field}[${i}]`, message: `no segment has the id ${JSON.stringify(ids[i])}` });
    });
  };
  await segmentField(c.audience.segmentIds, 'audience.segmentIds');
  await segmentField(c.audience.excludeSegmentIds, 'audience.excludeSegmentIds');
  const templates = repoOf(deps, TemplatesRepo);
  await Promise.all(
    c.variants.map(async (v, i) => {
      const t = await templates.get(v.templateId);
      if (!t) return void issues.push({ field: `variants[${i}].templateId`, message: `no template has the id ${JSON.stringify(v.templateId)}` });
      if (t.status !== 'active') return void issues.push({ field: `variants[${i}].templateId`, message: `template ${t.id} is archived` });
      if (t.channel !== (v.channel as TemplateChannel)) return void issues.push({ field: `variants[${i}].channel`, message: `template ${t.id} is a ${t.channel} template, not ${v.channel}` });
      const version = await templates.version(t.id, v.templateVersion ?? t.currentVersion);
      if (!version) return void issues.push({ field: `variants[${i}].templateVersion`, message: `template ${t.id} has no version ${v.templateVersion}` });
      const problems = contentIssues(t.channel, version.content);
      if (problems.length) issues.push({ field: `variants[${i}].templateId`, message: `template ${t.id} version ${version.version} cannot be sent: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}` });
    }),
  );
  if (c.couponPoolId && !(await repoOf(deps, CouponsRepo).getPool(c.couponPoolId))) issues.push({ field: 'couponPoolId', message: `no coupon pool has the id ${JSON.stringify(c.couponPoolId)}` });
  if (issues.length) throw new ValidationError(issues, `The campaign is invalid: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
}

export async function requireCampaign(deps: Pick<Deps, 'db'>, id: string): Promise<Campaign> {
  const c = await campaigns(deps).get(id);
  if (!c) throw new NotFoundError('Campaign', id);
  return c;
}

export async function createCampaign(ctx: Ctx, input: CampaignInput): Promise<Campaign> {
  const { deps } = ctx;
  const [settings, value] = await Promise.all([settingsOf(ctx), deps.definitions.valueConfig()]);
  const now = deps.clock.now().toISOString();
  const ab = normalizeAb(input.abTest);
  const c: Campaign = {
    id: deps.ids.next(),
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    status: 'draft',
    purpose: 'marketing',
    audience: audienceOf(input.audience),
    variants: normalizeVariants(input.variants),
    ...(ab ? { abTest: ab } : {}),
    schedule: input.schedule ?? { kind: 'now' },
    sendRatePerSecond: input.sendRatePerSecond ?? CAMPAIGN_DEFAULTS.sendRatePerSecond,
    ...(input.couponPoolId ? { couponPoolId: input.couponPoolId } : {}),
    attributionWindowDays: input.attributionWindowDays ?? settings.attributionWindowDays ?? CAMPAIGN_DEFAULTS.attributionWindowDays,
    cost: costOf(input.cost, value.baseCurrency ?? 'USD'),
    version: 1,
    createdAt: now,
    updatedAt: now,
    createdBy: ctx.actorId,
  };
  assertShape(c);
  await checkReferences(ctx, c);
  await campaigns(deps).put(undefined, c);
  countMetric('CampaignsCreated');
  return c;
}

/** An edit of a draft or scheduled campaign over the version read; a scheduled one stays scheduled (./lifecycle.ts moves its start). */
export async function applyPatch(ctx: Ctx, current: Campaign, patch: CampaignPatch): Promise<Campaign> {
  assertEditable(current);
  if (current.version !== patch.version) throw new ConflictError(`Campaign ${current.id} is at version ${current.version}, not ${patch.version}; read it again and retry.`, { currentVersion: current.version });
  const next: Campaign = { ...current };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.description === null) delete next.description;
  else if (patch.description !== undefined) next.description = patch.description;
  if (patch.audience) next.audience = audienceOf(patch.audience);
  if (patch.variants) next.variants = normalizeVariants(patch.variants);
  if (patch.abTest === null) delete next.abTest;
  else if (patch.abTest !== undefined) next.abTest = normalizeAb(patch.abTest)!;
  if (patch.schedule) next.schedule = patch.schedule;
  if (patch.sendRatePerSecond !== undefined) next.sendRatePerSecond = patch.sendRatePerSecond;
  if (patch.couponPoolId === null) delete next.couponPoolId;
  else if (patch.couponPoolId !== undefined) next.couponPoolId = patch.couponPoolId;
  if (patch.attributionWindowDays !== undefined) next.attributionWindowDays = patch.attributionWindowDays;
  if (patch.cost) next.cost = costOf(patch.cost, current.cost.currency);
  assertShape(next);
  await checkReferences(ctx, next);
  next.version = current.version + 1;
  next.updatedAt = ctx.deps.clock.now().toISOString();
  return next;
}

export async function deleteCampaign(ctx: Ctx, id: string): Promise<Campaign> {
  const c = await requireCampaign(ctx.deps, id);
  assertDeletable(c);
  await campaigns(ctx.deps).delete(c);
  return c;
}

export type AbPhase = 'testing' | 'waiting-for-winner' | 'sending-remainder' | 'done';

/** Where an A/B test stands: testing (test waves going out), waiting for the winner, sending the remainder, done. */
export function abPhase(c: Campaign, run: CampaignRun | undefined): AbPhase | undefined {
  if (!c.abTest || !run) return undefined;
  const waves = Object.entries(run.waves);
  if (!c.decision) return !run.fanoutDoneAt || waves.some(([k, w]) => isTestWave(k) && w.status !== 'sent') ? 'testing' : 'waiting-for-winner';
  const main = run.waves[MAIN_WAVE];
  return !main || main.status === 'sent' ? 'done' : 'sending-remainder';
}

/** What a client sees of a campaign: the definition, its status and, once started, how its waves stand. */
export function presentCampaign(c: Campaign, run?: CampaignRun) {
  const phase = abPhase(c, run);
  return {
    ...c,
    ...(phase ? { phase } : {}),
    ...(run
      ? {
          run: {
            startedAt: run.startedAt,
            fanoutJobId: run.fanoutJobId,
            ...(run.fanoutDoneAt ? { fanoutDoneAt: run.fanoutDoneAt } : {}),
            ...(run.decisionDueAt ? { decisionDueAt: run.decisionDueAt } : {}),
            waves: Object.entries(run.waves)
              .map(([wave, w]) => ({ wave, ...w }))
              .sort((a, b) => (a.sendAt < b.sendAt ? -1 : a.sendAt > b.sendAt ? 1 : a.wave < b.wave ? -1 : 1)),
          },
        }
      : {}),
    links: { self: `/v1/campaigns/${c.id}`, results: `/v1/campaigns/${c.id}/results`, recipients: `/v1/campaigns/${c.id}/recipients` },
  };
}
