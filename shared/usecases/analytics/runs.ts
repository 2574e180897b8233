import { NotFoundError, ValidationError } from '../../domain/errors';
import { isDay } from '../../domain/analytics/period';
import type { Deps } from '../../runtime/deps';
import type { MessageQueue } from '../../runtime/message-queue';
import { countMetric } from '../../runtime/observability';
import { AnalyticsRunsRepo, type AnalyticsRun, type RunKind } from '../../store/analytics-runs-repo';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';
import { runLakeExport } from './export';
import { lakeOf, type LakeStore } from './lake';
import { runSnapshot } from './snapshot';

/**
 * Snapshot and lake-export runs: the daily schedules run them inline; a request records a queued
 * run and sends it to the `analytics` work queue, whose worker runs it. A run that already
 * completed is not run again (a redelivered message); a failed one is retried by its queue.
 */
export async function requestRun(ctx: Ctx, queue: MessageQueue, input: { kind: RunKind; eventDays?: { from: string; to: string } }): Promise<AnalyticsRun> {
  if (input.eventDays) {
    const { from, to } = input.eventDays;
    if (input.kind !== 'export') throw ValidationError.field('eventDays', 'only an export writes event days');
    if (!isDay(from)) throw ValidationError.field('eventDays.from', 'must be a date YYYY-MM-DD');
    if (!isDay(to)) throw ValidationError.field('eventDays.to', 'must be a date YYYY-MM-DD');
    if (from > to) throw ValidationError.field('eventDays.from', 'must not be after eventDays.to');
  }
  const now = ctx.deps.clock.now().toISOString();
  const run: AnalyticsRun = { id: ctx.deps.ids.next(), kind: input.kind, status: 'queued', trigger: 'request', requestedBy: ctx.actorId, createdAt: now, ...(input.eventDays ? { eventDays: input.eventDays } : {}) };
  const repo = repoOf(ctx.deps, AnalyticsRunsRepo);
  await repo.create(run);
  await queue.send('analytics', JSON.stringify({ runId: run.id }));
  return run;
}

export async function getRun(ctx: Ctx, id: string): Promise<AnalyticsRun> {
  const run = await repoOf(ctx.deps, AnalyticsRunsRepo).get(id);
  if (!run) throw new NotFoundError('Analytics run', id);
  return run;
}

export async function listRuns(ctx: Ctx, limit: number): Promise<AnalyticsRun[]> {
  return repoOf(ctx.deps, AnalyticsRunsRepo).recent(limit);
}

/** Runs a recorded run now (the worker, the schedules). */
export async function executeRun(deps: Deps, runId: string, lake: LakeStore = lakeOf(deps)): Promise<AnalyticsRun> {
  const repo = repoOf(deps, AnalyticsRunsRepo);
  const run = await repo.get(runId);
  if (!run) throw new NotFoundError('Analytics run', runId);
  if (run.status === 'completed') return run;
  const startedAt = deps.clock.now().toISOString();
  await repo.update(runId, { status: 'running', startedAt, asOf: startedAt.slice(0, 10) });
  try {
    const result = run.kind === 'snapshot' ? await runSnapshot(deps, { runId }) : await runLakeExport(deps, lake, { ...(run.eventDays ? { eventDays: run.eventDays } : {}) });
    const done = { status: 'completed' as const, finishedAt: deps.clock.now().toISOString(), result: result as unknown as Record<string, unknown> };
    await repo.update(runId, done);
    countMetric(run.kind === 'snapshot' ? 'AnalyticsSnapshots' : 'AnalyticsExports');
    return { ...run, ...done, startedAt };
  } catch (err) {
    await repo.update(runId, { status: 'failed', finishedAt: deps.clock.now().toISOString(), error: err instanceof Error ? err.message.slice(0, 500) : String(err) });
    throw err;
  }
}

/** A scheduled run: recorded (so it shows in the list) and run inline. */
export async function scheduledRun(deps: Deps, kind: RunKind, lake?: LakeStore): Promise<AnalyticsRun> {
  const now = deps.clock.now().toISOString();
  const run: AnalyticsRun = { id: deps.ids.next(), kind, status: 'queued', trigger: 'schedule', requestedBy: `system:analytics-${kind}`, createdAt: now };
  await repoOf(deps, AnalyticsRunsRepo).create(run);
  return executeRun(deps, run.id, lake);
}
