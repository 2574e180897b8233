import type { ScheduledEvent } from 'aws-lambda';
import { getDeps } from '../../shared/runtime/deps';
import { flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { scheduledRun } from '../../shared/usecases/analytics/runs';

/**
 * Daily: the analytics full pass (shared/usecases/analytics/snapshot.ts) — the history of the base,
 * distinct buyers per day, window, week and month, cohorts, RFM movement, distributions — as series
 * the reports read without scanning.
 */
export const handler = async (event: Partial<ScheduledEvent> = {}) => {
  const deps = await getDeps();
  const run = await scheduledRun(deps, 'snapshot');
  invocationLogger(event.id ?? run.id, { schedule: 'analytics-snapshot' }).info('analytics snapshot', { runId: run.id, result: run.result });
  flushMetrics();
  return run;
};
