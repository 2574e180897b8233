import { ValidationError } from '../errors';
import { DAY_MS, instantMs, isoAt } from './days';

/**
 * Lifecycle stages from order times alone:
 * - prospect: no orders;
 * - new: the first order less than newDays ago;
 * - active: the last order less than activeDays ago;
 * - dormant: the last order activeDays … churnDays ago;
 * - churned: the last order churnDays or more ago;
 * - reactivated: an order after being dormant or churned, for reactivatedDays from that order
 *   (while the last order is less than activeDays old).
 * Ages are exact (milliseconds), a stage boundary belongs to the later stage.
 */

export type LifecycleStage = 'prospect' | 'new' | 'active' | 'dormant' | 'churned' | 'reactivated';

export interface LifecycleThresholds {
  newDays: number;
  activeDays: number;
  churnDays: number;
  reactivatedDays: number;
}

export const DEFAULT_LIFECYCLE_THRESHOLDS: Readonly<LifecycleThresholds> = { newDays: 30, activeDays: 90, churnDays: 365, reactivatedDays: 30 };

export interface LifecycleFacts {
  firstOrderAt?: string;
  lastOrderAt?: string;
  /**
   * The order that moved the customer out of dormant/churned: store lastOrderAt when
   * `lifecycleStage` first answers 'reactivated'. Read only while the previous stage is
   * 'reactivated'; defaults to lastOrderAt (then later orders extend the period).
   */
  reactivatedAt?: string;
}

/** Fills defaults and checks: every threshold a positive finite number of days, activeDays < churnDays. */
export function lifecycleThresholds(over: Partial<LifecycleThresholds> = {}): LifecycleThresholds {
  const t = { ...DEFAULT_LIFECYCLE_THRESHOLDS, ...Object.fromEntries(Object.entries(over).filter(([, v]) => v !== undefined)) } as LifecycleThresholds;
  for (const k of ['newDays', 'activeDays', 'churnDays', 'reactivatedDays'] as const) {
    if (!(t[k] > 0) || !Number.isFinite(t[k])) throw ValidationError.field(k, `must be a positive number of days, got ${t[k]}`);
  }
  if (t.activeDays >= t.churnDays) throw ValidationError.field('churnDays', `must be more than activeDays (${t.activeDays}), got ${t.churnDays}`);
  return t;
}

const STAGES: readonly LifecycleStage[] = ['prospect', 'new', 'active', 'dormant', 'churned', 'reactivated'];

/**
 * The stage as of `now`, given the stage the customer had before (undefined when never computed).
 * The previous stage matters only for reactivation: an order within activeDays after dormant or
 * churned makes 'reactivated', which lasts reactivatedDays from facts.reactivatedAt.
 */
export function lifecycleStage(previousStage: LifecycleStage | undefined, facts: LifecycleFacts, now: string, thresholds: Partial<LifecycleThresholds> = {}): LifecycleStage {
  const t = lifecycleThresholds(thresholds);
  if (previousStage !== undefined && !STAGES.includes(previousStage)) throw ValidationError.field('previousStage', `must be one of ${STAGES.join(', ')}, got ${JSON.stringify(previousStage)}`);
  const nowMs = instantMs(now, 'now');
  if (!facts.lastOrderAt && !facts.firstOrderAt) return 'prospect';
  const last = instantMs(facts.lastOrderAt ?? facts.firstOrderAt!, 'lastOrderAt');
  const first = facts.firstOrderAt ? instantMs(facts.firstOrderAt, 'firstOrderAt') : last;
  const sinceLast = nowMs - last;
  if (sinceLast >= t.churnDays * DAY_MS) return 'churned';
  if (sinceLast >= t.activeDays * DAY_MS) return 'dormant';
  if (previousStage === 'dormant' || previousStage === 'churned') return 'reactivated';
  if (previousStage === 'reactivated') {
    const since = instantMs(facts.reactivatedAt ?? facts.lastOrderAt ?? facts.firstOrderAt!, 'reactivatedAt');
    if (nowMs - since < t.reactivatedDays * DAY_MS) return 'reactivated';
  }
  if (nowMs - first < t.newDays * DAY_MS) return 'new';
  return 'active';
}

/**
 * The first instant after `now` at which the stage would change with no new order (for a timer),
 * or undefined when it never would (prospect, churned). The stage can only change when the last
 * order turns activeDays or churnDays old, the first order newDays old, or the reactivation
 * reactivatedDays old; the first of those instants that changes `lifecycleStage` is the answer.
 */
export function nextLifecycleChangeAt(previousStage: LifecycleStage | undefined, facts: LifecycleFacts, now: string, thresholds: Partial<LifecycleThresholds> = {}): string | undefined {
  const t = lifecycleThresholds(thresholds);
  const nowMs = instantMs(now, 'now');
  const current = lifecycleStage(previousStage, facts, now, t);
  if (!facts.lastOrderAt && !facts.firstOrderAt) return undefined;
  const last = instantMs(facts.lastOrderAt ?? facts.firstOrderAt!, 'lastOrderAt');
  const first = facts.firstOrderAt ? instantMs(facts.firstOrderAt, 'firstOrderAt') : last;
  const candidates = [last + t.activeDays * DAY_MS, last + t.churnDays * DAY_MS, first + t.newDays * DAY_MS];
  if (current === 'reactivated') candidates.push(instantMs(facts.reactivatedAt ?? facts.lastOrderAt ?? facts.firstOrderAt!, 'reactivatedAt') + t.reactivatedDays * DAY_MS);
  for (const at of candidates.filter((c) => c > nowMs).sort((a, b) => a - b)) {
    if (lifecycleStage(current, facts, isoAt(at), t) !== current) return isoAt(at);
  }
  return undefined;
}
