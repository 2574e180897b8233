import type { Deps } from '../../runtime/deps';
import { countMetric } from '../../runtime/observability';
import type { Timer } from '../../store/timers-repo';
import type { Ctx } from '../customers';

/**
 * Timers: "do this at that instant", exactly once, never early, within seconds of the instant.
 *
 * A timer is an item in a sparse due index. Every minute the sweep queues the timers due up to the
 * end of the next minute on the `timers` queue, each delayed to its exact second (SQS
 * DelaySeconds, up to 15 minutes); a timer set for the next two minutes is queued at once as well,
 * since that range may already be swept. The timers worker runs the kind's handler and then marks
 * the timer fired (conditional), so a timer queued twice or redelivered runs once; handlers are
 * idempotent for the rare crash between the two. Handlers check, when they run, that what they
 * were set for still holds (a task's due time may have moved): stale timers are not cancelled,
 * they are ignored. Why not EventBridge Scheduler: one schedule per reminder costs an API call
 * per change and a quota, and a local stand-in would differ; a sparse index is one table.
 */
export type TimerHandler = (ctx: Ctx, timer: Timer) => Promise<void>;

const MAX_DELAY_SECONDS = 900;
/** How far back the first sweep (no checkpoint yet) looks for timers it may have missed. */
const FIRST_SWEEP_LOOKBACK_MINUTES = 24 * 60;
const MINUTE = 60_000;

const minuteStart = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;

async function enqueue(deps: Deps, t: Timer, nowMs: number): Promise<void> {
  if (!deps.queue) throw new Error('timers need the work queue port (deps.queue)');
  const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((Date.parse(t.dueAt) - nowMs) / 1000)));
  await deps.queue.send('timers', JSON.stringify(t), delaySeconds ? { delaySeconds } : {});
}

/** Sets a timer. One due within the sweep's horizon is also queued now. */
export async function setTimer(deps: Deps, t: Timer): Promise<void> {
  const due = new Date(Date.parse(t.dueAt)).toISOString();
  const timer = { ...t, dueAt: due };
  await deps.timers.put(timer);
  const now = deps.clock.now().getTime();
  if (Date.parse(due) < minuteStart(now) + 2 * MINUTE) await enqueue(deps, timer, now);
}

/**
 * The minute sweep: queues every unfired timer due after the checkpoint up to the end of the next
 * minute, then moves the checkpoint there. Returns how many it queued.
 */
export async function sweepTimers(deps: Deps): Promise<number> {
  const now = deps.clock.now().getTime();
  const until = new Date(minuteStart(now) + 2 * MINUTE - 1).toISOString();
  const checkpoint = await deps.timers.sweptUntil();
  const from = checkpoint ? new Date(Date.parse(checkpoint) + 1).toISOString() : new Date(minuteStart(now) - FIRST_SWEEP_LOOKBACK_MINUTES * MINUTE).toISOString();
  if (from > until) return 0;
  const due = await deps.timers.due(from, until);
  for (let i = 0; i < due.length; i += 50) await Promise.all(due.slice(i, i + 50).map((t) => enqueue(deps, t, now)));
  // A sweep that lost the race to another one still queued: what is queued twice runs once.
  await deps.timers.advanceSweep(checkpoint, until);
  if (due.length) countMetric('TimersQueued', due.length);
  return due.length;
}

/**
 * Runs one queued timer: never before its instant (an early delivery is queued again for the
 * rest), once (the fired mark), with the handler of its kind.
 */
export async function fireTimer(ctx: Ctx, t: Timer, handlers: Readonly<Record<string, TimerHandler>>): Promise<'fired' | 'early' | 'duplicate'> {
  const { deps } = ctx;
  const now = deps.clock.now().getTime();
  if (Date.parse(t.dueAt) > now) {
    await enqueue(deps, t, now);
    return 'early';
  }
  if (await deps.timers.isFired(t)) return 'duplicate';
  const handler = handlers[t.kind];
  if (!handler) throw new Error(`no handler for timers of kind ${t.kind}`);
  await handler(ctx, t);
  if (!(await deps.timers.markFired(t, new Date(now).toISOString()))) return 'duplicate';
  countMetric('TimersFired');
  countMetric('TimerLatencyMs', Math.max(0, now - Date.parse(t.dueAt)));
  return 'fired';
}
