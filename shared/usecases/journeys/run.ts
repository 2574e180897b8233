import type { CustomerFacts } from '../../domain/conditions';
import type { Customer } from '../../domain/customer';
import { afterEffect, decide, ENGINE_LIMITS, type Decision } from '../../domain/journeys/engine';
import { factsOf, zoneFor } from '../../domain/journeys/facts';
import { advance, claim, exitNow, hold, resume, type Transition } from '../../domain/journeys/transitions';
import type { Enrollment } from '../../domain/journeys/types';
import { EnrollmentsRepo } from '../../store/enrollments-repo';
import { JourneysRepo } from '../../store/journeys-repo';
import { repoOf } from '../../store/repo-of';
import type { Timer } from '../../store/timers-repo';
import type { Ctx } from '../customers';
import { setTimer } from '../timers/timers';
import { journeyZone, loadVersion } from './cache';
import { performEffect } from './effects';
import { commitTransition } from './persist';

/**
 * Runs an enrollment from where it is until it waits or ends: each step is decided by the pure
 * engine from the enrollment, its pinned version, the customer's facts (re-read at the start of a
 * run and after a tag step) and the time, with the exit conditions checked first; a step with an
 * effect runs it (once per visit, see effects.ts); then the transition is written conditionally
 * on the revision read. A writer that lost the race (a concurrent exit, a duplicate timer) reads
 * again and goes on from the state the winner left — never running a step the winner already
 * recorded. A wait sets a `journey.step` timer for its end; the timer runs this again.
 */
export const JOURNEY_STEP_TIMER = 'journey.step';
/** How long a claimed step belongs to the runner that claimed it; then another may take it over. */
export const ACT_LEASE_MS = 2 * 60_000;

/** Another runner is doing this enrollment's step right now: try again later (the queue retries). */
export class EnrollmentBusy extends Error {
  constructor(id: string, stepId: string | undefined) {
    super(`enrollment ${id}: step ${stepId} is being run by another runner; retry later`);
  }
}

export interface RunOutcome {
  status: Enrollment['status'] | 'missing';
  /** Steps this run executed. */
  steps: number;
  waitingUntil?: string;
}

export async function runEnrollment(ctx: Ctx, enrollmentId: string): Promise<RunOutcome> {
  const { deps } = ctx;
  const enrollments = repoOf(deps, EnrollmentsRepo);
  let facts: { for: number; value: CustomerFacts | undefined; profile: Customer | undefined } | undefined;
  let steps = 0;
  for (let round = 0; round < ENGINE_LIMITS.stepsPerRun * 2; round++) {
    const e = await enrollments.get(enrollmentId);
    if (!e) return { status: 'missing', steps };
    if (e.status !== 'active') return { status: e.status, steps };
    const loaded = await loadVersion(deps, e.journeyId, e.version);
    if (!loaded) throw new Error(`enrollment ${e.id}: journey ${e.journeyId} has no version ${e.version}`);
    const stepDefs = loaded.version.definition.steps;
    const journey = await repoOf(deps, JourneysRepo).get(e.journeyId);
    const now = deps.clock.now().getTime();
    const at = new Date(now).toISOString();
    let t: Transition | undefined;
    let from = e;
    if (!journey || journey.status === 'archived') t = exitNow(e, 'journey-archived', at, stepDefs);
    else if (journey.status === 'paused') {
      if (e.position.held) return { status: 'active', steps };
      t = hold(e, at, stepDefs);
    } else if (e.position.held) t = resume(e, at, stepDefs);
    else {
      if (!facts || facts.for !== e.rev) {
        const header = await deps.membership.header(e.customerId);
        facts = { for: e.rev, value: factsOf(header), profile: header.profile };
      }
      let d: Decision = decide({ journey: loaded.journey, enrollment: e, facts: facts.value, now, timeZone: zoneFor(facts.profile, await journeyZone(deps, loaded.version.definition)) });
      if (d.kind === 'wait' && !d.started) {
        // Still waiting (an early or repeated call): make sure the timer exists (a crash may have lost it).
        await setTimer(deps, stepTimer(e, d.until));
        return { status: 'active', steps, waitingUntil: new Date(d.until).toISOString() };
      }
      if (d.kind === 'act') {
        const since = e.position.phase === 'acting' && e.position.actingSince ? Date.parse(e.position.actingSince) : undefined;
        if (since !== undefined && now - since < ACT_LEASE_MS) throw new EnrollmentBusy(e.id, e.position.stepId);
        // Claim the step (conditional on the revision read): of two racing runners, one runs it; an exit after this sees it started.
        const c = claim(e, at, stepDefs);
        if (!(await commitTransition(ctx, e, c))) continue;
        from = c.next;
        const r = await performEffect(ctx, from, d.step, d.key);
        d = afterEffect(from, d.step, r, deps.clock.now().getTime());
      }
      t = advance(from, d as Exclude<Decision, { kind: 'act' }>, at, stepDefs);
      if (!t) continue;
      if (d.kind === 'move' && loaded.journey.byId.get(d.stepId)?.type !== 'tag') facts.for = t.next.rev; // the facts still hold for the next step
    }
    if (!(await commitTransition(ctx, from, t))) continue; // another writer moved it: read it again
    if (t.history.some((h) => h.kind === 'step')) steps++;
    if (t.timerAt) {
      await setTimer(deps, stepTimer(t.next, Date.parse(t.timerAt)));
      return { status: 'active', steps, waitingUntil: t.timerAt };
    }
    if (t.ended) return { status: t.next.status, steps };
    if (steps >= ENGINE_LIMITS.stepsPerRun) {
      // A safety net: go on in a moment, from a timer, rather than spin in one invocation.
      await setTimer(deps, stepTimer(t.next, deps.clock.now().getTime()));
      return { status: 'active', steps };
    }
  }
  throw new Error(`enrollment ${enrollmentId}: too many concurrent changes; retry`);
}

export const stepTimer = (e: Pick<Enrollment, 'id'>, atMs: number): Timer => ({ kind: JOURNEY_STEP_TIMER, key: e.id, dueAt: new Date(atMs).toISOString(), payload: { enrollmentId: e.id } });

/** Ends an active enrollment from outside the engine (by hand, an exit event, the journey archived); false when it was not active. */
export async function exitEnrollment(ctx: Ctx, enrollmentId: string, reason: string, detail?: Record<string, unknown>): Promise<Enrollment | undefined> {
  const { deps } = ctx;
  const enrollments = repoOf(deps, EnrollmentsRepo);
  for (let attempt = 0; attempt < 20; attempt++) {
    const e = await enrollments.get(enrollmentId);
    if (!e || e.status !== 'active') return undefined;
    const loaded = await loadVersion(deps, e.journeyId, e.version);
    const t = exitNow(e, reason, deps.clock.now().toISOString(), loaded?.version.definition.steps ?? [], detail);
    if (await commitTransition(ctx, e, t)) return t.next;
  }
  throw new Error(`enrollment ${enrollmentId}: too many concurrent changes; retry`);
}
