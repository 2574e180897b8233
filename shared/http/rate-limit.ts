import { DomainError } from '../domain/errors';
import { burstOf, counterExpiry, decide, limitOf, rateLimitHeaders, secondSlot, windowOf, type RateDecision, type RateOutcome } from '../domain/rate-limit';
import type { Clock } from '../runtime/ports';
import { countMetric, type Log } from '../runtime/observability';
import type { Db } from '../store/client';
import { RateCountersRepo } from '../store/rate-counters-repo';
import { repoOf } from '../store/repo-of';

/** 429: the client used its requests of this minute, or of this second; `headers` carry `Retry-After` and the RateLimit fields. */
export class RateLimitedError extends DomainError {
  constructor(
    clientId: string,
    readonly decision: RateDecision,
  ) {
    const setting = decision.scope === 'second' ? 'burstPerSecond' : 'ratePerMinute';
    super(
      429,
      'Too many requests',
      `Integration client ${clientId} made its ${decision.limit} requests of this ${decision.scope}; retry after ${decision.resetSeconds} s. An administrator sets ${setting} with PUT /v1/integration-clients/${clientId}.`,
      { clientId, limit: decision.limit, per: decision.scope, retryAfterSeconds: decision.resetSeconds },
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
 * Counts one request of a machine client in its current one-minute window and in its second (one
 * conditional UpdateItem, shared/store/rate-counters-repo.ts) and throws RateLimitedError when
 * either is full. Answers the headers for a successful answer. **Fails open**: when the counter cannot be
 * written (throttled table, network, access), the request goes on uncounted, the failure is logged
 * and the `RateLimiterFailed` metric counted — the limiter protects the API, it must not take it down.
 */
export async function enforceClientRate(deps: LimiterDeps, log: Log, client: { id: string; ratePerMinute?: number; burstPerSecond?: number }): Promise<Record<string, string>> {
  const now = deps.clock.now().getTime();
  const window = windowOf(now);
  const perMinute = limitOf(client.ratePerMinute, deps.config.integrationRatePerMinute);
  const limits = { perMinute, perSecond: burstOf(client.burstPerSecond, perMinute) };
  let outcome: RateOutcome;
  try {
    outcome = await repoOf(deps, RateCountersRepo).take(client.id, new Date(window.start).toISOString(), secondSlot(now), limits, counterExpiry(window));
  } catch (err) {
    log.warn('rate limiter failed open', { clientId: client.id, error: err as Error });
    countMetric('RateLimiterFailed');
    return {};
  }
  const decision = decide(limits, outcome, now, window);
  if (!decision.allowed) {
    countMetric(decision.scope === 'second' ? 'RateLimitedBurst' : 'RateLimited');
    throw new RateLimitedError(client.id, decision);
  }
  return rateLimitHeaders(decision);
}

/** The headers a refused request's problem answer carries (`Retry-After` and the RateLimit fields), else none. */
export function rateHeadersOf(err: unknown): Record<string, string> {
  return err instanceof RateLimitedError ? err.headers : {};
}
