import type { Reentry } from './types';

/**
 * Re-entry rules, pure. A customer is in a journey at most once at a time; whether they may enter
 * again once that enrollment ended is the journey's rule: `never`, `always`, or `after` N days
 * since they last entered. The enrollment store enforces the same rule atomically with a condition
 * on the customer's membership item (see `reentryGuard`), so two triggers at once enter once.
 */
export interface JourneyMembership {
  activeEnrollmentId?: string;
  lastEnteredAt?: string;
  entries: number;
}

export type ReentryRefusal = 'already-active' | 'reentry-never' | 'reentry-too-soon';

const DAY = 86_400_000;

/** Why this customer may not enter now, or undefined when they may. */
export function reentryRefusal(rule: Reentry, m: JourneyMembership | undefined, now: number): ReentryRefusal | undefined {
  if (!m || m.entries === 0) return undefined;
  if (m.activeEnrollmentId) return 'already-active';
  if (rule.mode === 'never') return 'reentry-never';
  if (rule.mode === 'after' && m.lastEnteredAt && Date.parse(m.lastEnteredAt) > now - rule.days * DAY) return 'reentry-too-soon';
  return undefined;
}

/**
 * The same rule as a guard for a conditional write on the membership item: `mayReenter` false
 * (never) means "only if there is no membership yet"; `lastEnteredBefore` (after N days) the latest
 * last entry that still allows one.
 */
export function reentryGuard(rule: Reentry, now: number): { mayReenter: boolean; lastEnteredBefore?: string } {
  if (rule.mode === 'never') return { mayReenter: false };
  if (rule.mode === 'always') return { mayReenter: true };
  return { mayReenter: true, lastEnteredBefore: new Date(now - rule.days * DAY).toISOString() };
}
