import type { Transition } from '../../domain/journeys/transitions';
import type { Enrollment, Reentry } from '../../domain/journeys/types';
import type { EventEnvelope } from '../../events/envelope';
import { countMetric } from '../../runtime/observability';
import { EnrollmentsRepo, type EnrollResult } from '../../store/enrollments-repo';
import { JourneysRepo } from '../../store/journeys-repo';
import { outboxPut } from '../../store/outbox';
import { repoOf } from '../../store/repo-of';
import type { TransactItem } from '../../store/transact';
import { event, type Ctx } from '../customers';

/**
 * Writes an enrollment's transition: the enrollment (over the revision read), its history lines,
 * the journey's counters (ADD, on the enrollment's stats shard) and its events (JourneyEntered,
 * JourneyExited, JourneyCompleted, JourneyGoalReached) in one transaction, so the counters are
 * exact under retries and races.
 */
function extras(ctx: Ctx, t: Transition, entered: boolean): TransactItem[] {
  const e = t.next;
  const items: TransactItem[] = [];
  const stats = repoOf(ctx.deps, JourneysRepo).statsAdd(e.journeyId, e.id, t.counters);
  if (stats) items.push(stats);
  const base = { customerId: e.customerId, journeyId: e.journeyId, enrollmentId: e.id, version: e.version };
  const events: EventEnvelope[] = [];
  if (entered) events.push(event(ctx, 'JourneyEntered', { ...base, trigger: e.trigger.eventType ?? e.trigger.kind }, e.updatedAt));
  if (t.goalReached) events.push(event(ctx, 'JourneyGoalReached', { ...base, event: t.history.find((h) => h.kind === 'goal')?.outcome ?? 'goal' }, e.updatedAt));
  if (t.ended === 'exited') events.push(event(ctx, 'JourneyExited', { ...base, reason: e.exitReason ?? 'exit', ...(e.position.stepId ? { stepId: e.position.stepId } : {}) }, e.updatedAt));
  if (t.ended === 'completed') events.push(event(ctx, 'JourneyCompleted', base, e.updatedAt));
  for (const evt of events) items.push(outboxPut(ctx.deps.db.tableName, evt));
  return items;
}

export async function commitEntry(ctx: Ctx, t: Transition, rule: Reentry, nowMs: number): Promise<EnrollResult> {
  const r = await repoOf(ctx.deps, EnrollmentsRepo).enroll(t, rule, nowMs, extras(ctx, t, true));
  if (r.status === 'entered') countMetric('JourneyEnrollments');
  return r;
}

/** False when another writer moved the enrollment since `before` was read. */
export async function commitTransition(ctx: Ctx, before: Enrollment, t: Transition): Promise<boolean> {
  const ok = await repoOf(ctx.deps, EnrollmentsRepo).commit(before, t, extras(ctx, t, false));
  if (ok && t.ended) countMetric(t.ended === 'completed' ? 'JourneyCompletions' : 'JourneyExits');
  return ok;
}
