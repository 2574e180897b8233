import { NotFoundError } from '../../domain/errors';
import { maskEmail, maskName } from '../../domain/masking';
import type { MessageQueue } from '../../runtime/message-queue';
import { countMetric } from '../../runtime/observability';
import { JOB_COUNTERS, ZERO_JOB_COUNTERS, type Job, type JobCounters, type JobKind, type JobPart, type JobStatus } from '../../store/jobs-repo';
import type { Ctx } from '../customers';

/**
 * The generic job machinery (GET /v1/jobs/{id}): a job is created with its parts in one
 * transaction, then one message per part goes to the `jobs` queue; the jobs worker runs a step of
 * the part (./steps.ts dispatches by kind), which commits its checkpoint and counters and, when the
 * part has more to do, queues the next step. When the last part is done the job completes.
 */
export interface NewJob {
  /** Given when the job's id must be known before it is created (a segment records its backfill first). */
  id?: string;
  kind: JobKind;
  subject?: string;
  params: Record<string, unknown>;
  parts: number;
  total?: number;
}

/** `more`: queue the next step of the part; `done`: the part finished; `idle`: nothing to do (over, superseded, or another delivery did it). */
export type StepResult = 'more' | 'done' | 'idle';

export interface StepOptions {
  /** Epoch ms after which a step commits what it has and asks for another (the function is about to time out). */
  deadline?: number;
  /** Items per page (Scan `Limit`, list page size): small in tests to force many steps. */
  pageLimit?: number;
}

/** The work-queue message of one step of one part. */
export const jobMessage = (jobId: string, part: number) => JSON.stringify({ jobId, part });

export function parseJobMessage(body: string): { jobId: string; part: number } {
  const m = JSON.parse(body) as { jobId?: unknown; part?: unknown };
  if (typeof m.jobId !== 'string' || !/^[0-9A-Z]{26}$/.test(m.jobId) || !Number.isInteger(m.part) || (m.part as number) < 0 || (m.part as number) > 999) {
    throw new Error(`not a job step message: ${body.slice(0, 100)}`);
  }
  return { jobId: m.jobId, part: m.part as number };
}

export async function createJob(ctx: Ctx, spec: NewJob): Promise<Job> {
  const now = ctx.deps.clock.now().toISOString();
  const job: Job = {
    id: spec.id ?? ctx.deps.ids.next(),
    kind: spec.kind,
    status: 'running',
    ...(spec.subject ? { subject: spec.subject } : {}),
    params: spec.params,
    parts: spec.parts,
    ...(spec.total !== undefined ? { total: spec.total } : {}),
    createdBy: ctx.actorId,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.deps.jobs.create(job);
  countMetric('JobsCreated');
  return job;
}

/** Queues the first step of every part. */
export async function dispatchJob(queue: MessageQueue, job: Job): Promise<void> {
  await Promise.all(Array.from({ length: job.parts }, (_, part) => queue.send('jobs', jobMessage(job.id, part))));
}

export async function startJob(ctx: Ctx, queue: MessageQueue, spec: NewJob): Promise<Job> {
  const job = await createJob(ctx, spec);
  await dispatchJob(queue, job);
  return job;
}

export async function requireJob(ctx: Ctx, id: string): Promise<{ job: Job; parts: JobPart[] }> {
  const found = await ctx.deps.jobs.get(id);
  if (!found) throw new NotFoundError('Job', id);
  return found;
}

/** Is the job still the current one of its subject? A newer job for the same subject supersedes it. */
export async function isCurrent(ctx: Ctx, job: Job): Promise<boolean> {
  if (!job.subject) return true;
  return (await ctx.deps.jobs.currentJobOf(job.subject)) === job.id;
}

/** Stops a job that is no longer current: it ends `cancelled`, naming the job that took over. */
export async function supersede(ctx: Ctx, job: Job): Promise<void> {
  const by = job.subject ? await ctx.deps.jobs.currentJobOf(job.subject) : undefined;
  if (await ctx.deps.jobs.finish(job.id, 'cancelled', ctx.deps.clock.now().toISOString(), by ? `superseded by job ${by}` : 'superseded')) countMetric('JobsSuperseded');
}

/**
 * Completes the job once every part is done (whichever part finishes last does it); `ended` (the
 * kind's hook, idempotent) runs first, so a crash between the two leaves a job that completes again.
 */
export async function completeIfDone(ctx: Ctx, jobId: string, ended?: (ctx: Ctx, job: Job, status: 'completed') => Promise<void>): Promise<boolean> {
  const found = await ctx.deps.jobs.get(jobId);
  if (!found || found.job.status !== 'running' || found.parts.some((p) => !p.done)) return false;
  await ended?.(ctx, found.job, 'completed');
  const finished = await ctx.deps.jobs.finish(jobId, 'completed', ctx.deps.clock.now().toISOString());
  if (finished) countMetric('JobsCompleted');
  return finished;
}

/** Sums the parts' counters. */
export function progressOf(parts: readonly JobPart[]): JobCounters & { partsDone: number } {
  const out: JobCounters & { partsDone: number } = { ...ZERO_JOB_COUNTERS, partsDone: 0 };
  for (const p of parts) {
    for (const c of JOB_COUNTERS) out[c] += p.counters?.[c] ?? 0;
    if (p.done) out.partsDone++;
  }
  return out;
}

/** Which counters each kind reports. */
const SHOWN: Record<JobKind, readonly (keyof JobCounters)[]> = {
  backfill: ['scanned', 'customers', 'changed', 'failed'],
  rescore: ['scanned', 'customers', 'changed', 'failed'],
  'bulk-tags': ['processed', 'changed', 'failed'],
  'segment-cleanup': ['processed'],
  // Campaigns (issue 6): members read and recipients written; recipients seen, sent and failed.
  'campaign-fanout': ['processed', 'changed'],
  'campaign-deliver': ['processed', 'changed', 'failed'],
};

/** A bulk job's search target names a person (e-mail, phone, name): masked for callers without pii:read, as profiles are. */
function maskedParams(params: Record<string, unknown>): Record<string, unknown> {
  const target = params.target as { search?: Record<string, string> } | undefined;
  if (!target?.search) return params;
  const s = target.search;
  const search: Record<string, string> = { ...s };
  if (s.email) search.email = maskEmail(s.email);
  if (s.phone) search.phone = '***';
  if (s.name) search.name = maskName(s.name);
  if (s.externalId) search.externalId = '***';
  if (s.platformId) search.platformId = '***';
  return { ...params, target: { ...target, search } };
}

/** What a client sees of a job (`pii`: the caller may read personal data, else a search target is masked). */
export function presentJob(job: Job, parts: readonly JobPart[], opts: { pii?: boolean } = {}) {
  const p = progressOf(parts);
  const counters: Partial<Record<keyof JobCounters, number>> = {};
  for (const c of SHOWN[job.kind]) counters[c] = p[c];
  const status: JobStatus = job.status;
  return {
    id: job.id,
    kind: job.kind,
    status,
    ...(job.subject ? { subject: job.subject } : {}),
    params: opts.pii === false ? maskedParams(job.params) : job.params,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    ...(job.failure ? { failure: job.failure } : {}),
    progress: { ...(job.total !== undefined ? { total: job.total } : {}), ...counters, parts: job.parts, partsDone: p.partsDone },
    links: { self: `/v1/jobs/${job.id}` },
  };
}

/** A newly created job as a client sees it (every part at its start). */
export const presentNewJob = (job: Job, opts: { pii?: boolean } = {}) =>
  presentJob(
    job,
    Array.from({ length: job.parts }, (_, part) => ({ part, step: 0, done: false, counters: { ...ZERO_JOB_COUNTERS }, updatedAt: job.createdAt })),
    opts,
  );
