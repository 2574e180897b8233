import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { getDeps } from '../../shared/runtime/deps';
import { countMetric, flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { blobStore } from '../../shared/runtime/s3-blob-store';
import { messageQueue } from '../../shared/runtime/sqs-message-queue';
import { importMessage } from '../../shared/usecases/imports/jobs';
import { importStep } from '../../shared/usecases/imports/run-import';

/**
 * The import worker: each message of the `import` queue asks for the next step of one job (a
 * chunk of rows from its checkpoint); after a step that leaves rows, it queues the next one. A
 * step that fails (or a function that times out) leaves the message to be retried from the same
 * checkpoint; the step stops early, committing what it did, when the function is about to time out.
 */
const TIMEOUT_MARGIN_MS = 20_000;

export const handler = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
  const deps = await getDeps();
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    let jobId = 'unknown';
    const log = () => invocationLogger(`import:${jobId}`, { worker: 'import', messageId: record.messageId });
    try {
      jobId = String((JSON.parse(record.body) as { jobId?: unknown }).jobId ?? '');
      if (!/^[0-9A-Z]{26}$/.test(jobId)) throw new Error(`not an import step message: ${record.body.slice(0, 100)}`);
      const deadline = context ? Date.now() + context.getRemainingTimeInMillis() - TIMEOUT_MARGIN_MS : undefined;
      const ctx = { deps, correlationId: `import:${jobId}`, actorId: 'system:import' };
      const result = await importStep(ctx, blobStore(deps), jobId, deadline ? { deadline } : {});
      if (result === 'more') await messageQueue(deps).send('import', importMessage(jobId));
      log().debug('import step', { result });
    } catch (err) {
      log().error('import step failed; it will be retried from its checkpoint', { error: err as Error });
      countMetric('ImportStepFailures');
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  flushMetrics();
  return { batchItemFailures: failures };
};
