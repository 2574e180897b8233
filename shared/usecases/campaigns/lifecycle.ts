import { assertTransition, type Campaign } from '../../domain/campaigns/campaign';
import { latestLocalSendAt, localFanoutStart } from '../../domain/campaigns/local-time';
import { ConflictError, ValidationError } from '../../domain/errors';
import { makeEvent, type EventEnvelope } from '../../events/envelope';
import type { EventData, EventType } from '../../events/catalog';
import { countMetric } from '../../runtime/observability';
import type { CampaignRun } from '../../store/campaigns-repo';
import type { Timer } from '../../store/timers-repo';
import type { Ctx } from '../customers';
import { setTimer } from '../timers/timers';
import { applyPatch, campaigns, checkReferences, requireCampaign, type CampaignPatch } from './campaigns';

/**
 * The campaign lifecycle: draft → scheduled → running ⇄ paused → completed | cancelled. Each
 * change is one transaction of the campaign (over the version read) and its event; the work
 * follows from the events (./events.ts starts the fan-out on CampaignStarted, picks up again on
 * CampaignResumed) and from timers (the scheduled start, each later wave, the A/B decision).
 * Timers are set before the change they serve and check, when they fire, that it still holds.
 */
export const START_TIMER_KIND = 'campaign-start';
/** A schedule instant this far in the past is refused; closer than that, the campaign starts now. */
const PAST_TOLERANCE_MS = 60_000;

export function campaignEvent<T extends EventType>(ctx: Ctx, type: T, data: EventData<T>, campaignId: string, atMs?: number): EventEnvelope<T> {
  const at = atMs ?? ctx.deps.clock.now().getTime();
  return makeEvent(type, data, { id: ctx.deps.ids.next(at), occurredAt: new Date(at).toISOString(), correlationId: ctx.correlationId, subject: campaignId });
}

/** When a campaign's send starts, for its schedule, as of now (400 when that is too late). */
export function startInstant(c: Pick<Campaign, 'schedule'>, nowMs: number): number {
  const s = c.schedule;
  if (s.kind === 'now') return nowMs;
  if (s.kind === 'at') {
    const at = Date.parse(s.at);
    if (at < nowMs - PAST_TOLERANCE_MS) throw ValidationError.field('schedule.at', `is in the past (${s.at}); choose a later instant or send now`);
    return Math.max(at, nowMs);
  }
  if (latestLocalSendAt(s.date, s.time) < nowMs) throw ValidationError.field('schedule.date', `${s.date} ${s.time} has passed in every time zone`);
  return localFanoutStart(s.date, s.time, nowMs);
}

/** The running campaign, its run (the fan-out job named) and CampaignStarted, in one transaction. */
async function start(ctx: Ctx, before: Campaign, nowMs: number): Promise<Campaign> {
  const now = new Date(nowMs).toISOString();
  const after: Campaign = { ...before, status: 'running', startedAt: now, startAt: before.startAt ?? now, version: before.version + 1, updatedAt: now };
  const run: CampaignRun = { campaignId: before.id, startedAt: now, fanoutJobId: ctx.deps.ids.next(nowMs), waves: {} };
  await campaigns(ctx.deps).put(before, after, [campaigns(ctx.deps).runPut(run)], [campaignEvent(ctx, 'CampaignStarted', { campaignId: before.id, fanoutJobId: run.fanoutJobId }, before.id, nowMs)]);
  countMetric('CampaignsStarted');
  return after;
}

/**
 * Schedules a draft (marketing:send): checked again in full, then started now (the schedule is
 * now, or its instant has come) or scheduled with a timer at its start.
 */
export async function scheduleCampaign(ctx: Ctx, id: string, version?: number): Promise<Campaign> {
  const c = await requireCampaign(ctx.deps, id);
  if (version !== undefined && c.version !== version) throw new ConflictError(`Campaign ${id} is at version ${c.version}, not ${version}; read it again and retry.`, { currentVersion: c.version });
  assertTransition(c, 'schedule');
  await checkReferences(ctx, c);
  const nowMs = ctx.deps.clock.now().getTime();
  const startMs = startInstant(c, nowMs);
  if (startMs <= nowMs) return start(ctx, c, nowMs);
  return scheduleAt(ctx, c, startMs, nowMs);
}

async function scheduleAt(ctx: Ctx, before: Campaign, startMs: number, nowMs: number): Promise<Campaign> {
  const now = new Date(nowMs).toISOString();
  const startAt = new Date(startMs).toISOString();
  // The timer first: one that fires for a change that did not commit finds nothing to do.
  await setTimer(ctx.deps, { kind: START_TIMER_KIND, key: before.id, dueAt: startAt });
  const after: Campaign = { ...before, status: 'scheduled', scheduledAt: now, startAt, version: before.version + 1, updatedAt: now };
  await campaigns(ctx.deps).put(before, after, [], [campaignEvent(ctx, 'CampaignScheduled', { campaignId: before.id, startAt }, before.id, nowMs)]);
  return after;
}

/** An edit (draft or scheduled); a scheduled campaign whose start moved gets a timer at the new start. */
export async function updateCampaign(ctx: Ctx, id: string, patch: CampaignPatch): Promise<Campaign> {
  const current = await requireCampaign(ctx.deps, id);
  const next = await applyPatch(ctx, current, patch);
  if (current.status === 'scheduled') {
    const nowMs = ctx.deps.clock.now().getTime();
    const startMs = startInstant(next, nowMs);
    next.startAt = new Date(startMs).toISOString();
    if (next.startAt !== current.startAt) await setTimer(ctx.deps, { kind: START_TIMER_KIND, key: id, dueAt: next.startAt });
  }
  await campaigns(ctx.deps).put(current, next);
  return next;
}

/** The start timer: a scheduled campaign whose start is this timer's instant starts. */
export async function onStartTimer(ctx: Ctx, t: Timer): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const c = await campaigns(ctx.deps).get(t.key);
    if (!c || c.status !== 'scheduled' || c.startAt !== t.dueAt) return;
    try {
      await start(ctx, c, ctx.deps.clock.now().getTime());
      return;
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e; // edited meanwhile: read again
    }
  }
}

async function change(ctx: Ctx, id: string, action: 'pause' | 'resume' | 'cancel'): Promise<Campaign> {
  for (let attempt = 0; ; attempt++) {
    const c = await requireCampaign(ctx.deps, id);
    assertTransition(c, action);
    const nowMs = ctx.deps.clock.now().getTime();
    const now = new Date(nowMs).toISOString();
    const after: Campaign = { ...c, version: c.version + 1, updatedAt: now };
    let event: EventEnvelope;
    if (action === 'pause') {
      Object.assign(after, { status: 'paused', pausedAt: now });
      event = campaignEvent(ctx, 'CampaignPaused', { campaignId: id }, id, nowMs);
    } else if (action === 'resume') {
      after.status = 'running';
      delete after.pausedAt;
      event = campaignEvent(ctx, 'CampaignResumed', { campaignId: id }, id, nowMs);
    } else {
      Object.assign(after, { status: 'cancelled', cancelledAt: now });
      event = campaignEvent(ctx, 'CampaignCancelled', { campaignId: id, from: c.status }, id, nowMs);
    }
    try {
      await campaigns(ctx.deps).put(c, after, [], [event]);
      countMetric(action === 'pause' ? 'CampaignsPaused' : action === 'resume' ? 'CampaignsResumed' : 'CampaignsCancelled');
      return after;
    } catch (e) {
      // The system moved the campaign meanwhile (a wave finished, it completed): read it again.
      if (!(e instanceof ConflictError) || attempt >= 4) throw e;
    }
  }
}

/** Pause: no new step or delivery starts (they check the status); sends in flight finish. */
export const pauseCampaign = (ctx: Ctx, id: string) => change(ctx, id, 'pause');
/** Resume: the fan-out and the waves continue from their checkpoints (./events.ts on CampaignResumed). */
export const resumeCampaign = (ctx: Ctx, id: string) => change(ctx, id, 'resume');
/** Cancel, for good: jobs stop at their next step, timers find nothing to do; recipients not sent stay queued. */
export const cancelCampaign = (ctx: Ctx, id: string) => change(ctx, id, 'cancel');

/**
 * Completes a running campaign once its fan-out is over, the A/B winner (if any) is picked and
 * every wave is sent. Safe to call from anywhere, any number of times.
 */
export async function maybeComplete(ctx: Ctx, id: string): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const [c, run] = await Promise.all([campaigns(ctx.deps).get(id), campaigns(ctx.deps).getRun(id)]);
    if (!c || !run || c.status !== 'running' || !run.fanoutDoneAt) return false;
    if (c.abTest && !c.decision && Object.keys(run.waves).length > 0) return false;
    if (Object.values(run.waves).some((w) => w.status !== 'sent')) return false;
    const nowMs = ctx.deps.clock.now().getTime();
    const now = new Date(nowMs).toISOString();
    const recipients = Object.values(run.waves).reduce((s, w) => s + w.expected, 0);
    try {
      await campaigns(ctx.deps).put(c, { ...c, status: 'completed', completedAt: now, version: c.version + 1, updatedAt: now }, [], [campaignEvent(ctx, 'CampaignCompleted', { campaignId: id, recipients }, id, nowMs)]);
      countMetric('CampaignsCompleted');
      return true;
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
    }
  }
  return false;
}
