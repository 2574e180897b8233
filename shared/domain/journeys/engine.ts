import { createHash } from 'node:crypto';
import { compileCondition, type CustomerFacts, type Evaluator } from '../conditions';
import { passesAll } from './events';
import type { EffectStep, Enrollment, JourneyDefinition, Step, WebhookStep } from './types';
import { startOf } from './validate';
import { waitUntil, type DateFacts } from './waits';

/**
 * The step engine, pure: given an enrollment, its journey version, the customer's facts and the
 * time, what happens next — exit (an exit condition holds), complete (the path ended), wait,
 * move on (a wait that ended, a condition, a split), or act (a step with an effect, run by the
 * caller once per visit, keyed by enrollment + step + visit). `afterEffect` turns an effect's
 * outcome into the move; `transitions.ts` turns a decision into the enrollment's next state, its
 * history lines and counters. The caller writes that conditionally on the revision it read.
 */
export const ENGINE_LIMITS = {
  /** Steps one run executes before it stops (a safety net: loops need a wait). */
  stepsPerRun: 200,
  /** Steps one enrollment may execute in all; then it exits with `step-limit`. */
  stepsPerEnrollment: 1000,
  /** Attempts of a webhook step that fails with a retryable error, then it is recorded failed and the journey goes on. */
  webhookAttempts: 4,
} as const;
/** Delay before the 2nd, 3rd, 4th webhook attempt. */
export const WEBHOOK_RETRY_MS = [60_000, 5 * 60_000, 30 * 60_000] as const;

export interface CompiledJourney {
  def: JourneyDefinition;
  byId: ReadonlyMap<string, Step>;
  start: string;
  entry?: Evaluator;
  exit?: Evaluator;
  conditions: ReadonlyMap<string, Evaluator>;
  /** An unfiltered OrderPlaced exit: an order after the trigger (the facts' last order) exits before any step. */
  exitsOnOrder: boolean;
}

export function compileJourney(def: JourneyDefinition, baseCurrency: string): CompiledJourney {
  const opts = { baseCurrency };
  const conditions = new Map<string, Evaluator>();
  for (const s of def.steps) if (s.type === 'condition' && s.condition !== undefined) conditions.set(s.id, compileCondition(s.condition, opts));
  const t = def.trigger;
  return {
    def,
    byId: new Map(def.steps.map((s) => [s.id, s])),
    start: startOf(def),
    ...(t.condition !== undefined ? { entry: compileCondition(t.condition, opts) } : {}),
    ...(def.exit?.condition !== undefined ? { exit: compileCondition(def.exit.condition, opts) } : {}),
    conditions,
    exitsOnOrder: (def.exit?.events ?? []).some((m) => m.event === 'OrderPlaced' && !(m.filters ?? []).length),
  };
}

export type Decision =
  | { kind: 'exit'; reason: string }
  | { kind: 'complete' }
  /** Wait until `until`: `started` when the wait begins now (a history line and a timer), else it still runs. */
  | { kind: 'wait'; stepId: string; until: number; started: boolean }
  /** A step done without an effect (or an effect done): go to `next` (none: the path ends). */
  | { kind: 'move'; stepId: string; next?: string; outcome: string; variant?: string; detail?: Record<string, unknown> }
  /** Run this step's effect once, under `key`, then call afterEffect. */
  | { kind: 'act'; step: EffectStep; key: string }
  /** A webhook to try again at `until`. */
  | { kind: 'retry'; stepId: string; until: number; attempt: number; outcome: string };

export interface EngineInput {
  journey: CompiledJourney;
  enrollment: Enrollment;
  /** Undefined when the customer no longer exists (deleted, merged away). */
  facts: CustomerFacts | undefined;
  now: number;
  /** The zone for local times: the customer's, else the journey's. */
  timeZone: string;
}

export const dateFactsOf = (f: CustomerFacts): DateFacts => ({
  ...(f.profile.birthday ? { birthday: f.profile.birthday } : {}),
  ...(f.aggregates.lastOrderAt ? { lastOrderAt: f.aggregates.lastOrderAt } : {}),
  attributes: f.profile.attributes,
});

/** The reason an enrollment must leave before its next step, if any. */
export function exitReason(j: CompiledJourney, e: Enrollment, facts: CustomerFacts | undefined, now: number): string | undefined {
  if (!facts) return 'customer-gone';
  if (j.exitsOnOrder && facts.aggregates.lastOrderAt && Date.parse(facts.aggregates.lastOrderAt) > Date.parse(e.trigger.at)) return 'event:OrderPlaced';
  if (j.exit?.(facts, new Date(now))) return 'condition';
  if (e.stepsRun >= ENGINE_LIMITS.stepsPerEnrollment) return 'step-limit';
  return undefined;
}

/** The visit number of a step in effect keys (1 for the first time it is entered). */
export const visitOf = (e: Enrollment, stepId: string) => e.visits[stepId] ?? 1;
export const effectKey = (e: Enrollment, stepId: string) => `jrn:${e.id}:${stepId}:${visitOf(e, stepId)}`;

/** The branch of a random split an enrollment takes: deterministic for the enrollment, step and visit. */
export function splitBranch(branches: readonly { name: string; percent: number }[], seed: string): number {
  const h = createHash('sha256').update(seed).digest().readUInt32BE(0);
  const point = (h / 0x1_0000_0000) * 100;
  let acc = 0;
  for (let i = 0; i < branches.length; i++) {
    acc += branches[i]!.percent;
    if (point < acc) return i;
  }
  return branches.length - 1;
}

/** What happens next for an active enrollment that is not held. */
export function decide(input: EngineInput): Decision {
  const { journey: j, enrollment: e, facts, now } = input;
  const reason = exitReason(j, e, facts, now);
  if (reason) return { kind: 'exit', reason };
  const pos = e.position;
  if (pos.stepId === undefined) return { kind: 'complete' };
  const step = j.byId.get(pos.stepId);
  if (!step) return { kind: 'exit', reason: 'step-missing' };
  const waiting = pos.phase === 'wait' && pos.waitUntil !== undefined ? Date.parse(pos.waitUntil) : undefined;
  switch (step.type) {
    case 'wait': {
      if (waiting !== undefined) return now >= waiting ? { kind: 'move', stepId: step.id, ...next(step.next), outcome: 'waited' } : { kind: 'wait', stepId: step.id, until: waiting, started: false };
      const until = waitUntil(step.wait, now, input.timeZone, dateFactsOf(facts!));
      if (until === undefined) return { kind: 'move', stepId: step.id, ...next(step.next), outcome: 'no-date' };
      if (until <= now) return { kind: 'move', stepId: step.id, ...next(step.next), outcome: 'no-wait' };
      return { kind: 'wait', stepId: step.id, until, started: true };
    }
    case 'condition': {
      const test = j.conditions.get(step.id);
      const yes = (!test || test(facts!, new Date(now))) && passesAll(step.triggerFilters, e.trigger.data ?? {});
      return { kind: 'move', stepId: step.id, ...next(yes ? step.yes : step.no), outcome: yes ? 'yes' : 'no' };
    }
    case 'split': {
      const i = splitBranch(step.branches, `${e.id}:${step.id}:${visitOf(e, step.id)}`);
      const b = step.branches[i]!;
      return { kind: 'move', stepId: step.id, ...next(b.next), outcome: `branch:${b.name}`, variant: `${step.id}:${b.name}` };
    }
    case 'exit':
      return { kind: 'exit', reason: 'exit-step' };
    default:
      if (waiting !== undefined && now < waiting) return { kind: 'wait', stepId: step.id, until: waiting, started: false };
      return { kind: 'act', step, key: effectKey(e, step.id) };
  }
}

const next = (id: string | undefined) => (id === undefined ? {} : { next: id });

/** What an effect step produced: `outcome` is recorded (`sent`, `skipped:no-consent`, `failed`...). */
export interface EffectResult {
  outcome: string;
  detail?: Record<string, unknown>;
  /** A webhook failure worth another try. */
  retryable?: boolean;
}

/** The move after an effect: on course whatever the outcome, except a retryable webhook failure with attempts left. */
export function afterEffect(e: Enrollment, step: EffectStep, r: EffectResult, now: number): Decision {
  if (step.type === 'webhook' && r.retryable) {
    const attempt = (e.position.attempt ?? 0) + 1;
    if (attempt < ENGINE_LIMITS.webhookAttempts) return { kind: 'retry', stepId: step.id, until: now + WEBHOOK_RETRY_MS[attempt - 1]!, attempt, outcome: r.outcome };
    return { kind: 'move', stepId: step.id, ...next((step as WebhookStep).next), outcome: 'failed', detail: { ...r.detail, attempts: attempt, reason: r.outcome } };
  }
  return { kind: 'move', stepId: step.id, ...next(step.next), outcome: r.outcome, ...(r.detail ? { detail: r.detail } : {}) };
}

/** Does the customer pass the entry filter (trigger condition) and not already match the exit condition? */
export function mayEnter(j: CompiledJourney, facts: CustomerFacts, now: number): 'ok' | 'entry-condition' | 'matches-exit' {
  const at = new Date(now);
  if (j.entry && !j.entry(facts, at)) return 'entry-condition';
  if (j.exit?.(facts, at)) return 'matches-exit';
  return 'ok';
}
