import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { getDeps } from '../../shared/runtime/deps';
import { countMetric, flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { executeRun } from '../../shared/usecases/analytics/runs';

/** Snapshot and lake-export runs asked for through the API (POST /v1/analytics/runs), one per message; a failed run is retried whole. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const deps = await getDeps();
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    let runId = 'unknown';
    try {
      runId = String((JSON.parse(record.body) as { runId?: unknown }).runId ?? '');
      if (!/^[0-9A-Z]{26}$/.test(runId)) throw new Error(`not an analytics run message: ${record.body.slice(0, 100)}`);
      const run = await executeRun(deps, runId);
      invocationLogger(`analytics:${runId}`, { worker: 'analytics-runs' }).info('analytics run', { kind: run.kind, status: run.status, result: run.result });
    } catch (err) {
      invocationLogger(`analytics:${runId}`, { worker: 'analytics-runs', messageId: record.messageId }).error('analytics run failed; it will be retried', { error: err as Error });
      countMetric('AnalyticsRunFailures');
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  flushMetrics();
  return { batchItemFailures: failures };
};
