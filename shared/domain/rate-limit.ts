import { can, type Permission } from './roles';

/**
 * Per-client throttling of machine clients (issue 7): a fixed one-minute window per client, and
 * within it a per-second burst cap, both counted in the table by one conditional UpdateItem on the
 * minute's counter item (shared/http/rate-limit.ts). Pure rules only: the window of an instant, the
 * limits that apply, which one refused, the answer's headers. Time is passed in.
 */
export const RATE_WINDOW_MS = 60_000;
/** Allowed `ratePerMinute` of a grant. One counter item takes ~1 000 writes/s, so the top stays well below that (500/s). */
export const RATE_PER_MINUTE_LIMITS = { min: 1, max: 30_000 } as const;
/** The limit of a client whose grant names none, unless configured (CRM_INTEGRATION_RATE_PER_MINUTE). */
export const DEFAULT_RATE_PER_MINUTE = 600;
/** Allowed `burstPerSecond` of a grant: the counter item bears ~1 000 writes/s, so at most 500. */
export const BURST_PER_SECOND_LIMITS = { min: 1, max: 500 } as const;
/** The default burst is this share of the minute's requests in any one second ... */
export const DEFAULT_BURST_SHARE = 10;
/** ... and at least this many (a small limit still allows a short parallel batch). */
export const MIN_DEFAULT_BURST = 10;

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

export function isBurstPerSecond(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= BURST_PER_SECOND_LIMITS.min && (value as number) <= BURST_PER_SECOND_LIMITS.max;
}

/**
 * Requests the client may make in any one second: its grant's `burstPerSecond`, else a tenth of its
 * minute (at least 10); never more than the minute allows, nor than the counter item bears. Without
 * it a client could spend its whole minute in the first second and hit the API with it at once.
 */
export function burstOf(grantBurst: number | undefined, perMinute: number): number {
  const wanted = grantBurst !== undefined && isBurstPerSecond(grantBurst) ? grantBurst : Math.max(MIN_DEFAULT_BURST, Math.ceil(perMinute / DEFAULT_BURST_SHARE));
  return Math.min(wanted, perMinute, BURST_PER_SECOND_LIMITS.max);
}

/** The attribute of the minute's counter item that counts the second holding `nowMs` (`s00`..`s59`). */
export function secondSlot(nowMs: number): string {
  if (!Number.isFinite(nowMs)) throw new RangeError('secondSlot needs a finite instant');
  return `s${String(new Date(nowMs).getUTCSeconds()).padStart(2, '0')}`;
}

/** The two limits of one client. */
export interface RateLimits {
  perMinute: number;
  perSecond: number;
}

/**
 * What the counter write found: `taken` with the counts including this request, or refused with the
 * counts the item held (undefined when unknown).
 */
export type RateOutcome = { taken: true; minute: number; second: number } | { taken: false; minute?: number; second?: number };

export type RateDecision =
  | { allowed: true; scope: 'minute' | 'second'; limit: number; remaining: number; resetSeconds: number; limits: RateLimits }
  | { allowed: false; scope: 'minute' | 'second'; limit: number; remaining: 0; resetSeconds: number; limits: RateLimits };

/**
 * The decision from the counter write. A refusal names the limit that refused it: the second's
 * when the minute still had room (retry in 1 s), else the minute's (retry when it ends). An
 * allowed answer reports the limit closest to running out (the RateLimit draft's rule), so a
 * client pacing itself on `ratelimit-remaining` slows down before either refuses it.
 */
export function decide(limits: RateLimits, outcome: RateOutcome, nowMs: number, window: RateWindow): RateDecision {
  const minuteReset = secondsUntilReset(nowMs, window);
  if (!outcome.taken || outcome.minute > limits.perMinute || outcome.second > limits.perSecond) {
    const secondFull = (outcome.minute ?? 0) < limits.perMinute && outcome.second !== undefined && outcome.second >= limits.perSecond;
    return secondFull
      ? { allowed: false, scope: 'second', limit: limits.perSecond, remaining: 0, resetSeconds: 1, limits }
      : { allowed: false, scope: 'minute', limit: limits.perMinute, remaining: 0, resetSeconds: minuteReset, limits };
  }
  const minuteLeft = limits.perMinute - outcome.minute;
  const secondLeft = limits.perSecond - outcome.second;
  return secondLeft < minuteLeft
    ? { allowed: true, scope: 'second', limit: limits.perSecond, remaining: secondLeft, resetSeconds: 1, limits }
    : { allowed: true, scope: 'minute', limit: limits.perMinute, remaining: minuteLeft, resetSeconds: minuteReset, limits };
}

/**
 * Headers of every answer to a counted client (IETF RateLimit header fields draft, the form most
 * client libraries read): the limit closest to running out, both policies, and `Retry-After` on a
 * refusal.
 */
export function rateLimitHeaders(d: RateDecision, windowMs: number = RATE_WINDOW_MS): Record<string, string> {
  return {
    'ratelimit-limit': String(d.limit),
    'ratelimit-remaining': String(d.remaining),
    'ratelimit-reset': String(d.resetSeconds),
    'ratelimit-policy': `${d.limits.perMinute};w=${Math.round(windowMs / 1000)}, ${d.limits.perSecond};w=1`,
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
