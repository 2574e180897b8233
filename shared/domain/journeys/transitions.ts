import type { Decision } from './engine';
import type { Enrollment, EnrollmentTrigger, HistoryEntry, HistoryKind, Step } from './types';

/**
 * An enrollment's state changes, pure: each gives the enrollment after it (revision + 1), the
 * history lines it adds and the counter deltas of the journey's stats. The caller writes them in
 * one transaction, conditional on the revision it read, so two runners cannot both advance it.
 *
 * Counters: `entered`, `completed`, `exited:<reason>`, `goal`, `reached:<step>` (a step entered),
 * `outcome:<step>:<outcome>` (what a step did: yes/no, branch:A, sent, skipped:no-consent, ...).
 */
export interface Transition {
  next: Enrollment;
  history: HistoryEntry[];
  counters: Record<string, number>;
  /** Set when this transition ends the enrollment. */
  ended?: 'completed' | 'exited';
  /** A wait began: the timer to set. */
  timerAt?: string;
  goalReached?: boolean;
}

class Builder {
  readonly history: HistoryEntry[] = [];
  readonly counters: Record<string, number> = {};
  private readonly wasActive: boolean;
  constructor(
    public e: Enrollment,
    readonly at: string,
    readonly types: ReadonlyMap<string, Step['type']>,
  ) {
    this.e = { ...e, position: { ...e.position }, visits: { ...e.visits }, rev: e.rev + 1, updatedAt: at };
    this.wasActive = e.status === 'active';
  }
  line(kind: HistoryKind, outcome: string, stepId?: string, detail?: Record<string, unknown>): void {
    this.e.seq += 1;
    const stepType = stepId ? this.types.get(stepId) : undefined;
    this.history.push({ seq: this.e.seq, at: this.at, kind, ...(stepId ? { stepId } : {}), ...(stepType ? { stepType } : {}), outcome, ...(detail ? { detail } : {}) });
  }
  count(name: string, n = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + n;
  }
  /** Moves onto a step (or ends the path). */
  moveTo(stepId: string | undefined): void {
    if (stepId === undefined) {
      this.e.position = { phase: 'run' };
      this.finish('completed', 'end');
      return;
    }
    this.e.visits[stepId] = (this.e.visits[stepId] ?? 0) + 1;
    this.e.position = { stepId, phase: 'run' };
    this.count(`reached:${stepId}`);
  }
  finish(status: 'completed' | 'exited', reason: string, detail?: Record<string, unknown>): void {
    this.e.status = status;
    this.e.endedAt = this.at;
    if (status === 'exited') {
      this.e.exitReason = reason;
      this.count(`exited:${reason}`);
      // Leaving while a step's effect was claimed: that step had started (its effect may have happened).
      const during = this.e.position.phase === 'acting' ? { during: this.e.position.stepId } : {};
      const d = { ...detail, ...during };
      this.line('exited', reason, this.e.position.stepId, Object.keys(d).length ? d : undefined);
    } else {
      this.count('completed');
      this.line('completed', reason);
    }
  }
  done(extra: Partial<Transition> = {}): Transition {
    const ended = this.wasActive && this.e.status !== 'active' ? this.e.status : undefined;
    return { next: this.e, history: this.history, counters: this.counters, ...(ended ? { ended } : {}), ...extra };
  }
}

const typesOf = (steps: readonly Step[]) => new Map(steps.map((s) => [s.id, s.type] as const));

export interface EnterInput {
  id: string;
  journeyId: string;
  version: number;
  customerId: string;
  start: string;
  trigger: EnrollmentTrigger;
  at: string;
}

/** A new enrollment, positioned on the journey's first step. */
export function enter(p: EnterInput, steps: readonly Step[]): Transition {
  const e: Enrollment = {
    id: p.id,
    journeyId: p.journeyId,
    version: p.version,
    customerId: p.customerId,
    status: 'active',
    position: { phase: 'run' },
    visits: {},
    stepsRun: 0,
    trigger: p.trigger,
    enteredAt: p.at,
    updatedAt: p.at,
    seq: 0,
    rev: 0,
  };
  const b = new Builder(e, p.at, typesOf(steps));
  b.count('entered');
  b.line('entered', p.trigger.eventType ?? p.trigger.kind, undefined, { trigger: p.trigger.eventId, version: p.version });
  b.moveTo(p.start);
  return b.done();
}

/** Applies a decision of the engine (not `act`, and not a wait that merely goes on). */
export function advance(e: Enrollment, d: Exclude<Decision, { kind: 'act' }>, at: string, steps: readonly Step[]): Transition | undefined {
  const b = new Builder(e, at, typesOf(steps));
  switch (d.kind) {
    case 'exit':
      b.finish('exited', d.reason);
      return b.done();
    case 'complete':
      b.finish('completed', 'end');
      return b.done();
    case 'wait': {
      if (!d.started) return undefined;
      const until = new Date(d.until).toISOString();
      b.e.position = { stepId: d.stepId, phase: 'wait', waitUntil: until };
      b.line('waiting', 'until', d.stepId, { until });
      return b.done({ timerAt: until });
    }
    case 'retry': {
      const until = new Date(d.until).toISOString();
      b.e.position = { stepId: d.stepId, phase: 'wait', waitUntil: until, attempt: d.attempt };
      b.line('retry', d.outcome, d.stepId, { attempt: d.attempt, until });
      return b.done({ timerAt: until });
    }
    case 'move': {
      b.e.stepsRun += 1;
      if (d.variant) b.e.variant = d.variant;
      b.line('step', d.outcome, d.stepId, d.detail);
      b.count(`outcome:${d.stepId}:${d.outcome.split(':').slice(0, 2).join(':')}`);
      b.moveTo(d.next);
      return b.done();
    }
  }
}

/** A runner claims the effect of the step it is on (no history line: the step's line comes when it is done). */
export function claim(e: Enrollment, at: string, steps: readonly Step[]): Transition {
  const b = new Builder(e, at, typesOf(steps));
  b.e.position = { ...b.e.position, phase: 'acting', actingSince: at };
  return b.done();
}

/** The journey was paused: hold where the enrollment is until it is resumed. */
export function hold(e: Enrollment, at: string, steps: readonly Step[]): Transition {
  const b = new Builder(e, at, typesOf(steps));
  b.e.position = { ...b.e.position, held: true };
  b.line('held', 'journey-paused', e.position.stepId);
  return b.done();
}

/** The journey was resumed: go on from where it held. */
export function resume(e: Enrollment, at: string, steps: readonly Step[]): Transition {
  const b = new Builder(e, at, typesOf(steps));
  const { held: _h, ...position } = b.e.position;
  b.e.position = position;
  b.line('resumed', 'journey-resumed', e.position.stepId);
  return b.done();
}

/** Exits an active enrollment for a reason from outside the engine (an exit event, by hand, the journey archived). */
export function exitNow(e: Enrollment, reason: string, at: string, steps: readonly Step[], detail?: Record<string, unknown>): Transition {
  const b = new Builder(e, at, typesOf(steps));
  b.finish('exited', reason, detail);
  return b.done();
}

/** The journey's goal was reached (once per enrollment); it exits the enrollment too when the goal says so and it is active. */
export function reachGoal(e: Enrollment, at: string, exit: boolean, steps: readonly Step[], eventType: string): Transition {
  const b = new Builder(e, at, typesOf(steps));
  b.e.goalReachedAt = at;
  b.count('goal');
  b.line('goal', eventType);
  if (exit && e.status === 'active') b.finish('exited', 'goal');
  return b.done({ goalReached: true });
}
