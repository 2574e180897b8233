import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { getDeps } from '../../shared/runtime/deps';
import { countMetric, flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { blobStore } from '../../shared/runtime/s3-blob-store';
import { runExport } from '../../shared/usecases/export-run';

/** The export worker: writes the CSV of one export job per message; a failed run is retried whole. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const deps = await getDeps();
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    let jobId = 'unknown';
    try {
      jobId = String((JSON.parse(record.body) as { jobId?: unknown }).jobId ?? '');
      if (!/^[0-9A-Z]{26}$/.test(jobId)) throw new Error(`not an export message: ${record.body.slice(0, 100)}`);
      const result = await runExport({ deps, correlationId: `export:${jobId}`, actorId: 'system:export' }, blobStore(deps), jobId);
      invocationLogger(`export:${jobId}`, { worker: 'export' }).info('export run', { result });
    } catch (err) {
      invocationLogger(`export:${jobId}`, { worker: 'export', messageId: record.messageId }).error('export failed; it will be retried', { error: err as Error });
      countMetric('ExportFailures');
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  flushMetrics();
  return { batchItemFailures: failures };
};
