import { assign, isTestWave, MAIN_WAVE, plannedWaves, waveOf, waveSendAt } from '../../domain/campaigns/assignment';
import type { Campaign } from '../../domain/campaigns/campaign';
import { localSendAt, zoneOf } from '../../domain/campaigns/local-time';
import type { Recipient } from '../../domain/campaigns/recipient';
import { countMetric } from '../../runtime/observability';
import type { WaveRun } from '../../store/campaigns-repo';
import type { Job, JobCounters, JobPart } from '../../store/jobs-repo';
import { CampaignAudienceRepo } from '../../store/campaign-audience-repo';
import { SEGMENT_SHARDS } from '../../store/keys';
import { RecipientsRepo } from '../../store/recipients-repo';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';
import type { StepOptions, StepResult } from '../jobs/jobs';
import { settingsOf } from '../messaging/decide';
import { setTimer } from '../timers/timers';
import { campaigns } from './campaigns';
import { DUPLICATE, EXCLUDED_RECENT, EXCLUDED_SEGMENT, recipientsByWave, recipientsCounter } from './counters';
import { campaignEvent, maybeComplete } from './lifecycle';
import { finishPart, isFinished } from './parts';

/**
 * The fan-out (job kind `campaign-fanout`): one part per shard of each included segment's member
 * index (16 × segments), each step a page of members from the part's checkpoint. A page drops
 * members of an exclusion segment and those who got another campaign's message within
 * `excludeRecentDays`, assigns each the variant (deterministic) and the wave (with its send instant:
 * the start, a send-time variant's delay, the customer's local time), and writes their recipient
 * item with a conditional put — a customer met twice (two included segments, a retried step) is
 * written once. The page's counters (recipients per wave, variant and channel; exclusions) move
 * once per step (a slot guarded by the part's step), then the part's checkpoint.
 *
 * When the last part is done, the waves are recorded with what they hold: those due start now
 * (CampaignWaveDue), later ones get a timer, an A/B test's remainder waits for the decision timer.
 */
export const WAVE_TIMER_KIND = 'campaign-wave';
export const DECISION_TIMER_KIND = 'campaign-decision';
const PAGE = 100;
const CONCURRENCY = 16;
const DAY_MS = 86_400_000;

export const fanoutSubject = (campaignId: string) => `campaign:${campaignId}:fanout`;
export const fanoutParts = (c: Pick<Campaign, 'audience'>) => c.audience.segmentIds.length * SEGMENT_SHARDS;
export const waveTimerKey = (campaignId: string, wave: string) => `${campaignId}|${wave}`;

/** The campaign a step works for; undefined (and the job stopped) when it is over. */
export async function campaignForStep(ctx: Ctx, job: Job): Promise<Campaign | undefined> {
  const c = await campaigns(ctx.deps).get(job.params.campaignId as string);
  if (!c || c.status === 'cancelled' || c.status === 'completed') {
    await ctx.deps.jobs.finish(job.id, 'cancelled', ctx.deps.clock.now().toISOString(), c ? `campaign ${c.status}` : 'campaign deleted');
    return undefined;
  }
  return c.status === 'paused' ? undefined : c;
}

interface Page {
  recipients: Recipient[];
  delta: Record<string, number>;
  read: number;
}

/** The members of one page, filtered and assigned. */
async function recipientsOf(ctx: Ctx, c: Campaign, ids: readonly string[], origin: string, now: string): Promise<Page> {
  const repo = repoOf(ctx.deps, CampaignAudienceRepo);
  const delta: Record<string, number> = {};
  const bump = (k: string) => (delta[k] = (delta[k] ?? 0) + 1);
  const excluded = await repo.inSegments(ids, c.audience.excludeSegmentIds);
  let kept = ids.filter((id) => {
    if (excluded.has(id)) bump(EXCLUDED_SEGMENT);
    return !excluded.has(id);
  });
  if (c.audience.excludeRecentDays) {
    const since = new Date(Date.parse(now) - c.audience.excludeRecentDays * DAY_MS).toISOString();
    const last = await repo.lastCampaignMessages(kept);
    kept = kept.filter((id) => {
      const l = last.get(id);
      const recent = !!l && l.campaignId !== c.id && l.at >= since;
      if (recent) bump(EXCLUDED_RECENT);
      return !recent;
    });
  }
  let zones: Map<string, string> | undefined;
  let brandZone = 'UTC';
  if (c.schedule.kind === 'local') {
    [zones, brandZone] = await Promise.all([repo.timeZones(kept), settingsOf(ctx).then((s) => s.defaultTimeZone)]);
  }
  const startedMs = Date.parse(c.startedAt ?? now);
  const recipients = kept.map((customerId): Recipient => {
    const a = assign(c, customerId);
    const local = c.schedule.kind === 'local' ? localSendAt(c.schedule.date, c.schedule.time, zoneOf(zones?.get(customerId), brandZone)) : undefined;
    const wave = waveOf(c, a, local);
    const variant = a.variant ? c.variants.find((v) => v.id === a.variant) : undefined;
    return {
      campaignId: c.id,
      customerId,
      group: a.group,
      ...(variant ? { variant: variant.id, channel: variant.channel } : {}),
      wave,
      state: 'queued',
      origin,
      queuedAt: now,
      ...(wave !== MAIN_WAVE || !c.abTest ? { sendAt: new Date(waveSendAt(wave, startedMs)).toISOString() } : {}),
      updatedAt: now,
    };
  });
  return { recipients, delta, read: ids.length };
}

/** Writes a page's recipients; counts those written by this step (now or by an earlier try of it). */
async function writeRecipients(ctx: Ctx, page: Page, origin: string): Promise<{ written: number; waves: Set<string> }> {
  const repo = repoOf(ctx.deps, RecipientsRepo);
  let written = 0;
  const waves = new Set<string>();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, page.recipients.length) }, async () => {
      while (next < page.recipients.length) {
        const r = page.recipients[next++]!;
        const out = await repo.create(r);
        if (out.kind === 'exists' && out.recipient.origin !== origin) {
          page.delta[DUPLICATE] = (page.delta[DUPLICATE] ?? 0) + 1;
          continue;
        }
        written++;
        waves.add(r.wave);
        const k = recipientsCounter(r.wave, r.variant, r.channel);
        page.delta[k] = (page.delta[k] ?? 0) + 1;
      }
    }),
  );
  return { written, waves };
}

export async function fanoutStep(ctx: Ctx, job: Job, p: JobPart, opts: StepOptions): Promise<StepResult> {
  const c = await campaignForStep(ctx, job);
  if (!c) return 'idle';
  const segmentId = c.audience.segmentIds[Math.floor(p.part / SEGMENT_SHARDS)];
  const shard = p.part % SEGMENT_SHARDS;
  if (!segmentId) throw new Error(`fan-out part ${p.part} has no segment in campaign ${c.id}`);
  const repo = campaigns(ctx.deps);
  if (isFinished(p)) return finishPart(ctx, job, p, p.step, {}, () => onFanoutEnded(ctx, job, 'completed'));
  let step = p.step;
  let cursor = (p.checkpoint as { after?: string } | undefined)?.after;
  for (;;) {
    const members = await repoOf(ctx.deps, CampaignAudienceRepo).segmentShardPage(segmentId, shard, cursor, opts.pageLimit ?? PAGE);
    const origin = `${job.id}:${p.part}:${step}`;
    const now = ctx.deps.clock.now().toISOString();
    const page = await recipientsOf(ctx, c, members.ids, origin, now);
    const { written, waves } = await writeRecipients(ctx, page, origin);
    if (c.schedule.kind === 'local') await repo.addWaveKeys(c.id, [...waves]);
    // Counted once per step: a retried step finds its slot moved on and adds nothing.
    await repo.countOnce(c.id, `F#${job.id}#${String(p.part).padStart(3, '0')}`, step, page.delta);
    const delta: Partial<JobCounters> = { processed: page.read, changed: written };
    countMetric('CampaignRecipientsQueued', written);
    if (members.next === undefined) return finishPart(ctx, job, p, step, delta, () => onFanoutEnded(ctx, job, 'completed'));
    if (!(await ctx.deps.jobs.commit(job.id, p.part, step, { checkpoint: { after: members.next }, done: false }, delta, ctx.deps.clock.now().toISOString()))) return 'idle';
    step++;
    cursor = members.next;
    if (opts.deadline !== undefined && Date.now() > opts.deadline) return 'more';
  }
}

/**
 * The fan-out is over: record the waves (each with the recipients it holds) once, start those due
 * (CampaignWaveDue, in the same transaction), set timers for later ones and for the A/B decision.
 * Idempotent: a second call finds the waves recorded and only sets the timers again.
 */
export async function onFanoutEnded(ctx: Ctx, job: Job, status: 'completed' | 'failed'): Promise<void> {
  if (status !== 'completed') return;
  const repo = campaigns(ctx.deps);
  const id = job.params.campaignId as string;
  const [c, run, counters] = await Promise.all([repo.get(id), repo.getRun(id), repo.counters(id)]);
  if (!c || !run || run.fanoutJobId !== job.id) return;
  const nowMs = ctx.deps.clock.now().getTime();
  const startedMs = Date.parse(run.startedAt);
  if (!run.fanoutDoneAt) {
    const held = recipientsByWave(counters);
    const keys = new Set([...plannedWaves(c), ...(run.waveKeys ?? []), ...Object.keys(held)]);
    const waves: Record<string, WaveRun> = {};
    const events = [];
    for (const key of keys) {
      const expected = held[key] ?? 0;
      if (expected === 0) continue;
      const sendAt = waveSendAt(key, startedMs);
      const w: WaveRun = { sendAt: new Date(sendAt).toISOString(), status: 'waiting', expected };
      if (c.abTest && key === MAIN_WAVE) w.status = 'held';
      else if (sendAt <= nowMs) {
        w.status = 'due';
        if (c.status === 'running') events.push(campaignEvent(ctx, 'CampaignWaveDue', { campaignId: id, wave: key, jobId: ctx.deps.ids.next(nowMs), pass: 1 }, id, nowMs));
      }
      waves[key] = w;
    }
    const testEnds = Object.keys(waves).filter(isTestWave).map((k) => waveSendAt(k, startedMs));
    // No test recipients at all (a tiny audience): the decision is due now (its fallback decides).
    const decisionDueAt = c.abTest ? new Date(testEnds.length ? Math.max(...testEnds) + c.abTest.windowMinutes * 60_000 : nowMs).toISOString() : undefined;
    await repo.transact([repo.finishFanoutItem(id, waves, new Date(nowMs).toISOString(), decisionDueAt)], events);
  }
  // Timers (again, if a crash came between the record and them): the same timer set twice is one.
  const done = await repo.getRun(id);
  if (!done?.fanoutDoneAt) return;
  for (const [wave, w] of Object.entries(done.waves)) {
    if (w.status === 'waiting') await setTimer(ctx.deps, { kind: WAVE_TIMER_KIND, key: waveTimerKey(id, wave), dueAt: w.sendAt });
  }
  if (done.decisionDueAt && !c.decision) await setTimer(ctx.deps, { kind: DECISION_TIMER_KIND, key: id, dueAt: done.decisionDueAt });
  await maybeComplete(ctx, id);
}
