import { MAIN_WAVE } from '../../domain/campaigns/assignment';
import { ConflictError } from '../../domain/errors';
import type { MessageQueue } from '../../runtime/message-queue';
import { countMetric } from '../../runtime/observability';
import type { Job } from '../../store/jobs-repo';
import { CAMPAIGN_SHARDS } from '../../store/keys';
import type { Timer } from '../../store/timers-repo';
import type { Ctx } from '../customers';
import { createJob, dispatchJob, jobMessage, progressOf } from '../jobs/jobs';
import { campaigns } from './campaigns';
import { fanoutParts, fanoutSubject, onFanoutEnded } from './fanout';
import { campaignEvent, maybeComplete } from './lifecycle';

/**
 * Waves: the recipients sent together at one instant (see shared/domain/campaigns/assignment.ts).
 * A wave is `waiting` (a timer at its instant), `held` (an A/B remainder until the winner),
 * `due` (its instant came; CampaignWaveDue emitted, or the campaign is paused), `sending` (its
 * delivery job, one part per recipient shard) and `sent`. A delivery job that saw fewer recipients
 * than the fan-out put in its wave (an index not yet caught up) is followed by another pass, at
 * most MAX_PASSES; recipients already handled are passed over.
 */
export const DELIVER_KIND = 'campaign-deliver';
const MAX_PASSES = 3;

export const waveSubject = (campaignId: string, wave: string) => `campaign:${campaignId}:wave:${wave}`;

async function createAndDispatch(ctx: Ctx, queue: MessageQueue, spec: { id: string; kind: 'campaign-fanout' | 'campaign-deliver'; subject: string; params: Record<string, unknown>; parts: number; total?: number }): Promise<void> {
  let job = await ctx.deps.jobs.getJob(spec.id);
  if (!job) {
    try {
      job = await createJob(ctx, spec);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      job = await ctx.deps.jobs.getJob(spec.id);
    }
  }
  if (job?.status === 'running') await dispatchJob(queue, job);
}

/** CampaignStarted: the fan-out job the start named, created (once) and dispatched. */
export async function startFanout(ctx: Ctx, queue: MessageQueue, campaignId: string): Promise<void> {
  const repo = campaigns(ctx.deps);
  const [c, run] = await Promise.all([repo.get(campaignId), repo.getRun(campaignId)]);
  if (!c || !run || c.status !== 'running' || run.fanoutDoneAt) return;
  await createAndDispatch(ctx, queue, { id: run.fanoutJobId, kind: 'campaign-fanout', subject: fanoutSubject(campaignId), params: { campaignId }, parts: fanoutParts(c) });
}

/** CampaignWaveDue: a due wave of a running campaign starts sending (its delivery job, once). */
export async function startWave(ctx: Ctx, queue: MessageQueue, campaignId: string, wave: string, jobId: string, pass: number): Promise<void> {
  const repo = campaigns(ctx.deps);
  const c = await repo.get(campaignId);
  if (!c || c.status !== 'running') return; // paused: resume starts it; cancelled: never
  const moved = await repo.moveWave(campaignId, wave, ['due'], 'sending', { jobId, pass });
  const run = await repo.getRun(campaignId);
  const w = run?.waves[wave];
  if (!moved && !(w?.status === 'sending' && w.jobId === jobId)) return;
  await createAndDispatch(ctx, queue, { id: jobId, kind: 'campaign-deliver', subject: waveSubject(campaignId, wave), params: { campaignId, wave, pass }, parts: CAMPAIGN_SHARDS, total: w?.expected ?? 0 });
}

/** A wave's timer: the wave falls due (and starts, unless the campaign is paused). */
export async function onWaveTimer(ctx: Ctx, t: Timer): Promise<void> {
  const [campaignId, wave] = t.key.split('|') as [string, string];
  const repo = campaigns(ctx.deps);
  const c = await repo.get(campaignId);
  if (!c || (c.status !== 'running' && c.status !== 'paused')) return;
  const nowMs = ctx.deps.clock.now().getTime();
  const events = c.status === 'running' ? [campaignEvent(ctx, 'CampaignWaveDue', { campaignId, wave, jobId: ctx.deps.ids.next(nowMs), pass: 1 }, campaignId, nowMs)] : [];
  await repo.moveWave(campaignId, wave, ['waiting'], 'due', {}, events);
}

/** The A/B decision releases the remainder: held → due with its event (in the decision's transaction). */
export function releaseRemainder(ctx: Ctx, campaignId: string, running: boolean, nowMs: number) {
  const repo = campaigns(ctx.deps);
  return {
    item: repo.waveItem(campaignId, MAIN_WAVE, ['held'], 'due'),
    events: running ? [campaignEvent(ctx, 'CampaignWaveDue', { campaignId, wave: MAIN_WAVE, jobId: ctx.deps.ids.next(nowMs), pass: 1 }, campaignId, nowMs)] : [],
  };
}

/**
 * A delivery job ended: when its parts saw every recipient the fan-out put in the wave, the wave
 * is sent (and the campaign may be complete); otherwise another pass starts.
 */
export async function onDeliveryEnded(ctx: Ctx, job: Job, status: 'completed' | 'failed'): Promise<void> {
  if (status !== 'completed') return;
  const { campaignId, wave, pass } = job.params as { campaignId: string; wave: string; pass: number };
  const repo = campaigns(ctx.deps);
  const run = await repo.getRun(campaignId);
  const w = run?.waves[wave];
  if (!w || w.jobId !== job.id) return;
  // A retry of this end after the wave was marked sent (the process died before, or in, the
  // completion check): the check is idempotent, so run it again rather than leave the campaign running.
  if (w.status === 'sent') {
    await maybeComplete(ctx, campaignId);
    return;
  }
  if (w.status !== 'sending') return;
  const found = await ctx.deps.jobs.get(job.id);
  const seen = found ? progressOf(found.parts).processed : 0;
  if (seen < w.expected && pass < MAX_PASSES && ctx.deps.queue) {
    const nextId = ctx.deps.ids.next();
    if (await repo.moveWave(campaignId, wave, ['sending'], 'due')) await startWave(ctx, ctx.deps.queue, campaignId, wave, nextId, pass + 1).catch(() => undefined);
    countMetric('CampaignWavePasses');
    return;
  }
  await repo.moveWave(campaignId, wave, ['sending'], 'sent', seen < w.expected ? { missing: w.expected - seen } : {});
  await maybeComplete(ctx, campaignId);
}

/**
 * CampaignResumed: everything the pause stopped goes on — the fan-out (its unfinished parts, or a
 * new pass when it failed), the sending waves (their unfinished parts), the waves that fell due
 * meanwhile, and an A/B decision that came due.
 */
const onFanoutEndedById = (ctx: Ctx, job: Job) => onFanoutEnded(ctx, job, 'completed');

export async function resumeWork(ctx: Ctx, queue: MessageQueue, campaignId: string, decide: (ctx: Ctx, campaignId: string) => Promise<void>): Promise<void> {
  const repo = campaigns(ctx.deps);
  const [c, run] = await Promise.all([repo.get(campaignId), repo.getRun(campaignId)]);
  if (!c || !run || c.status !== 'running') return;
  /** The unfinished parts of a running job queued again; false when the job is not running. */
  const redispatch = async (jobId: string | undefined): Promise<boolean> => {
    const found = jobId ? await ctx.deps.jobs.get(jobId) : undefined;
    if (found?.job.status !== 'running') return false;
    await Promise.all(found.parts.filter((p) => !p.done).map((p) => queue.send('jobs', jobMessage(found.job.id, p.part))));
    return true;
  };
  if (!run.fanoutDoneAt) {
    const job = await ctx.deps.jobs.getJob(run.fanoutJobId);
    if (!job) await startFanout(ctx, queue, campaignId);
    else if (job.status === 'completed') await onFanoutEndedById(ctx, job);
    else if (!(await redispatch(run.fanoutJobId))) {
      // The fan-out failed: a new pass (recipients already written are passed over).
      const jobId = ctx.deps.ids.next();
      if (await repo.setFanoutJob(campaignId, run.fanoutJobId, jobId)) await createAndDispatch(ctx, queue, { id: jobId, kind: 'campaign-fanout', subject: fanoutSubject(campaignId), params: { campaignId }, parts: fanoutParts(c) });
    }
    return;
  }
  for (const [wave, w] of Object.entries(run.waves)) {
    if (w.status === 'due') await startWave(ctx, queue, campaignId, wave, ctx.deps.ids.next(), (w.pass ?? 0) + 1);
    if (w.status !== 'sending' || (await redispatch(w.jobId))) continue;
    const job = w.jobId ? await ctx.deps.jobs.getJob(w.jobId) : undefined;
    if (job?.status === 'completed') await onDeliveryEnded({ ...ctx, deps: { ...ctx.deps, queue } }, job, 'completed');
    else if (await repo.moveWave(campaignId, wave, ['sending'], 'due')) await startWave(ctx, queue, campaignId, wave, ctx.deps.ids.next(), (w.pass ?? 1) + 1);
  }
  if (c.abTest && !c.decision && run.decisionDueAt && run.decisionDueAt <= ctx.deps.clock.now().toISOString()) await decide(ctx, campaignId);
  await maybeComplete(ctx, campaignId);
}
