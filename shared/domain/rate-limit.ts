import { can, type Permission } from './roles';

/**
 * Per-client throttling of machine clients (issue 7): a fixed one-minute window per client, counted
 * in the table by one conditional UpdateItem (shared/http/rate-limit.ts). Pure rules only: the
 * window of an instant, the limit that applies, the answer's headers. Time is passed in.
 */
export const RATE_WINDOW_MS = 60_000;
/** Allowed `ratePerMinute` of a grant. One counter item takes ~1 000 writes/s, so the top stays well below that (500/s). */
export const RATE_PER_MINUTE_LIMITS = { min: 1, max: 30_000 } as const;
/** The limit of a client whose grant names none, unless configured (CRM_INTEGRATION_RATE_PER_MINUTE). */
export const DEFAULT_RATE_PER_MINUTE = 600;
/** Seconds a counter item outlives its window before the table's TTL may remove it. */
export const COUNTER_GRACE_SECONDS = 120;

export interface RateWindow {
  /** Epoch ms of the window's first instant (a whole minute, UTC). */
  start: number;
  /** Epoch ms of the next window's start. */
  end: number;
}

/** The fixed window holding `nowMs`. */
export function windowOf(nowMs: number, windowMs: number = RATE_WINDOW_MS): RateWindow {
  if (!Number.isFinite(nowMs) || windowMs <= 0) throw new RangeError('windowOf needs a finite instant and a positive window');
  const start = Math.floor(nowMs / windowMs) * windowMs;
  return { start, end: start + windowMs };
}

/** Whole seconds until the window ends, at least 1 (a `Retry-After` of 0 invites a busy loop). */
export function secondsUntilReset(nowMs: number, window: RateWindow): number {
  return Math.max(1, Math.ceil((window.end - nowMs) / 1000));
}

/** The counter's `ttl` (epoch seconds): the window's end plus a grace, so no live window is ever removed. */
export function counterExpiry(window: RateWindow): number {
  return Math.floor(window.end / 1000) + COUNTER_GRACE_SECONDS;
}

export function isRatePerMinute(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= RATE_PER_MINUTE_LIMITS.min && (value as number) <= RATE_PER_MINUTE_LIMITS.max;
}

/** The client's own limit when its grant names one, else the configured default (itself bounded). */
export function limitOf(grantRate: number | undefined, defaultRate: number): number {
  if (grantRate !== undefined && isRatePerMinute(grantRate)) return grantRate;
  if (isRatePerMinute(defaultRate)) return defaultRate;
  return DEFAULT_RATE_PER_MINUTE;
}

export type RateDecision =
  | { allowed: true; limit: number; remaining: number; resetSeconds: number }
  | { allowed: false; limit: number; remaining: 0; resetSeconds: number };

/**
 * The decision from the counter write: `countAfter` is the window's count including this request,
 * or undefined when the conditional write refused it (the window already held `limit`).
 */
export function decide(limit: number, countAfter: number | undefined, nowMs: number, window: RateWindow): RateDecision {
  const resetSeconds = secondsUntilReset(nowMs, window);
  if (countAfter === undefined || countAfter > limit) return { allowed: false, limit, remaining: 0, resetSeconds };
  return { allowed: true, limit, remaining: Math.max(0, limit - countAfter), resetSeconds };
}

/**
 * Headers of every answer to a counted client (IETF RateLimit header fields draft, the form most
 * client libraries read), plus `Retry-After` on a refusal.
 */
export function rateLimitHeaders(d: RateDecision, windowMs: number = RATE_WINDOW_MS): Record<string, string> {
  return {
    'ratelimit-limit': String(d.limit),
    'ratelimit-remaining': String(d.remaining),
    'ratelimit-reset': String(d.resetSeconds),
    'ratelimit-policy': `${d.limit};w=${Math.round(windowMs / 1000)}`,
    ...(d.allowed ? {} : { 'retry-after': String(d.resetSeconds) }),
  };
}

/**
 * Whether a route's callers can include a machine client: not public, and a permission the
 * integration role holds. Only these functions count requests (and get the counter write in AWS).
 */
export function routeCountsClients(permission: Permission | 'public'): boolean {
  return permission !== 'public' && can(['integration'], permission);
}
