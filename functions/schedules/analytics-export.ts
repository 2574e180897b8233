import type { ScheduledEvent } from 'aws-lambda';
import { getDeps } from '../../shared/runtime/deps';
import { flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { scheduledRun } from '../../shared/usecases/analytics/runs';

/** Daily: the full export of customers and orders, and the complete days of events, to the analytics lake (docs/analytics.md). */
export const handler = async (event: Partial<ScheduledEvent> = {}) => {
  const deps = await getDeps();
  const run = await scheduledRun(deps, 'export');
  invocationLogger(event.id ?? run.id, { schedule: 'analytics-export' }).info('analytics lake export', { runId: run.id, result: run.result });
  flushMetrics();
  return run;
};
