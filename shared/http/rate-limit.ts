import { DomainError } from '../domain/errors';
import { counterExpiry, decide, limitOf, rateLimitHeaders, windowOf, type RateDecision } from '../domain/rate-limit';
import type { Clock } from '../runtime/ports';
import { countMetric, type Log } from '../runtime/observability';
import type { Db } from '../store/client';
import { RateCountersRepo } from '../store/rate-counters-repo';
import { repoOf } from '../store/repo-of';

/** 429: the client used its requests of this minute; `headers` carry `Retry-After` and the RateLimit fields. */
export class RateLimitedError extends DomainError {
  constructor(
    clientId: string,
    readonly decision: RateDecision,
  ) {
    super(
      429,
      'Too many requests',
      `Integration client ${clientId} made its ${decision.limit} requests of this minute; retry after ${decision.resetSeconds} s. An administrator sets ratePerMinute with PUT /v1/integration-clients/${clientId}.`,
      { clientId, limit: decision.limit, retryAfterSeconds: decision.resetSeconds },
    );
  }

  get headers(): Record<string, string> {
    return rateLimitHeaders(this.decision);
  }
}

interface LimiterDeps {
  db: Db;
  clock: Clock;
  config: { integrationRatePerMinute: number };
}

/**
 * Counts one request of a machine client in its current one-minute window (one conditional
 * UpdateItem, shared/store/rate-counters-repo.ts) and throws RateLimitedError when the window is
 * full. Answers the headers for a successful answer. **Fails open**: when the counter cannot be
 * written (throttled table, network, access), the request goes on uncounted, the failure is logged
 * and the `RateLimiterFailed` metric counted — the limiter protects the API, it must not take it down.
 */
export async function enforceClientRate(deps: LimiterDeps, log: Log, client: { id: string; ratePerMinute?: number }): Promise<Record<string, string>> {
  const now = deps.clock.now().getTime();
  const window = windowOf(now);
  const limit = limitOf(client.ratePerMinute, deps.config.integrationRatePerMinute);
  let count: number | undefined;
  try {
    count = await repoOf(deps, RateCountersRepo).take(client.id, new Date(window.start).toISOString(), limit, counterExpiry(window));
  } catch (err) {
    log.warn('rate limiter failed open', { clientId: client.id, error: err as Error });
    countMetric('RateLimiterFailed');
    return {};
  }
  const decision = decide(limit, count, now, window);
  if (!decision.allowed) {
    countMetric('RateLimited');
    throw new RateLimitedError(client.id, decision);
  }
  return rateLimitHeaders(decision);
}

/** The headers a refused request's problem answer carries (`Retry-After` and the RateLimit fields), else none. */
export function rateHeadersOf(err: unknown): Record<string, string> {
  return err instanceof RateLimitedError ? err.headers : {};
}
