import { countMetric } from '../../runtime/observability';
import type { Job, JobKind, JobPart } from '../../store/jobs-repo';
import type { Ctx } from '../customers';
import { backfillStep, onBackfillEnded } from '../segmentation/backfill';
import { bulkTagsStep } from '../segmentation/bulk-tags';
import { segmentCleanupStep } from '../segmentation/segments';
import { completeIfDone, isCurrent, supersede, type StepOptions, type StepResult } from './jobs';
// Campaigns (issue 6): the fan-out of a campaign's audience and the delivery of its waves.
import { deliveryStep } from '../campaigns/delivery';
import { fanoutStep, onFanoutEnded } from '../campaigns/fanout';
import { onDeliveryEnded } from '../campaigns/waves';

/**
 * Every job kind and how a step of one of its parts runs. A step starts at the part's checkpoint,
 * commits its progress (checkpoint and counters in one guarded write) and says whether the part
 * has more to do. `ended` runs once the job is over (idempotent: it may run twice).
 */
export interface JobKindRunner {
  step(ctx: Ctx, job: Job, part: JobPart, opts: StepOptions): Promise<StepResult>;
  ended?(ctx: Ctx, job: Job, status: 'completed' | 'failed'): Promise<void>;
}

export const JOB_RUNNERS: Record<JobKind, JobKindRunner> = {
  backfill: { step: backfillStep, ended: onBackfillEnded },
  rescore: { step: backfillStep },
  'bulk-tags': { step: bulkTagsStep },
  'segment-cleanup': { step: segmentCleanupStep },
  // Campaigns (issue 6)
  'campaign-fanout': { step: fanoutStep, ended: onFanoutEnded },
  'campaign-deliver': { step: deliveryStep, ended: onDeliveryEnded },
};

/** Runs one step of one part of a job (the jobs worker's unit of work). */
export async function runJobStep(ctx: Ctx, jobId: string, part: number, opts: StepOptions = {}): Promise<StepResult> {
  const found = await ctx.deps.jobs.get(jobId);
  if (!found || found.job.status !== 'running') return 'idle';
  const p = found.parts.find((x) => x.part === part);
  if (!p || p.done) return 'idle';
  if (!(await isCurrent(ctx, found.job))) {
    await supersede(ctx, found.job);
    return 'idle';
  }
  const result = await JOB_RUNNERS[found.job.kind].step(ctx, found.job, p, opts);
  if (result === 'done') await completeIfDone(ctx, jobId, JOB_RUNNERS[found.job.kind].ended);
  return result;
}

/** Fails a job whose step keeps failing (its message is about to go to the DLQ). */
export async function failJob(ctx: Ctx, jobId: string, reason: string): Promise<void> {
  const job = await ctx.deps.jobs.getJob(jobId);
  if (!job || job.status !== 'running') return;
  await JOB_RUNNERS[job.kind].ended?.(ctx, job, 'failed');
  if (await ctx.deps.jobs.finish(jobId, 'failed', ctx.deps.clock.now().toISOString(), reason)) countMetric('JobsFailed');
}
