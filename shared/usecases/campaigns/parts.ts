import type { Job, JobCounters, JobPart } from '../../store/jobs-repo';
import type { Ctx } from '../customers';
import type { StepResult } from '../jobs/jobs';

/**
 * The end of a part of a campaign job, made safe against crashes: the jobs machinery runs the
 * kind's `ended` hook only after a step that returned `done`, and a retried message of a part
 * already done does nothing — so a crash in the hook would leave the job unfinished for good.
 * Here a part first commits `finished` (its last counters, not yet done), then, when every other
 * part is finished or done, runs the end of the job (idempotent) itself, and only then commits
 * done. A crash anywhere retries the part, which finds itself finished and goes straight to the
 * end again. Two parts finishing together may both run the end: it is idempotent.
 */
export interface PartCheckpoint {
  finished?: boolean;
}

export const isFinished = (p: Pick<JobPart, 'done' | 'checkpoint'>) => p.done || (p.checkpoint as PartCheckpoint | undefined)?.finished === true;

export async function finishPart(ctx: Ctx, job: Job, p: JobPart, step: number, delta: Partial<JobCounters>, end: () => Promise<void>): Promise<StepResult> {
  const now = () => ctx.deps.clock.now().toISOString();
  let at = step;
  if (!isFinished(p)) {
    if (!(await ctx.deps.jobs.commit(job.id, p.part, at, { checkpoint: { finished: true }, done: false }, delta, now()))) return 'idle';
    at++;
  }
  const found = await ctx.deps.jobs.get(job.id);
  if (found && found.parts.every((x) => x.part === p.part || isFinished(x))) await end();
  return (await ctx.deps.jobs.commit(job.id, p.part, at, { done: true }, {}, now())) ? 'done' : 'idle';
}
