import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { getDeps } from '../../shared/runtime/deps';
import { countMetric, flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { messageQueue } from '../../shared/runtime/sqs-message-queue';
import { jobMessage, parseJobMessage } from '../../shared/usecases/jobs/jobs';
import { failJob, runJobStep } from '../../shared/usecases/jobs/steps';

/**
 * The jobs worker: each message of the `jobs` queue asks for the next step of one part of a job
 * (a backfill's Scan segment, a bulk tag job's walk), dispatched by the job's kind. A step commits
 * its checkpoint and counters as it goes and stops before the function times out; a part with more
 * to do queues its next step. A step that throws is retried from the last checkpoint; on the last
 * delivery before the DLQ (maxReceiveCount 5 in infra/wiring.ts) the job is marked failed.
 */
const TIMEOUT_MARGIN_MS = 30_000;
const LAST_DELIVERY = 5;

export const handler = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
  const base = await getDeps();
  const deps = { ...base, queue: messageQueue(base) };
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    let jobId = 'unknown';
    let part = -1;
    const log = () => invocationLogger(`job:${jobId}`, { worker: 'jobs', part, messageId: record.messageId });
    try {
      ({ jobId, part } = parseJobMessage(record.body));
      const deadline = context ? Date.now() + context.getRemainingTimeInMillis() - TIMEOUT_MARGIN_MS : undefined;
      const ctx = { deps, correlationId: `job:${jobId}`, actorId: 'system:jobs' };
      const result = await runJobStep(ctx, jobId, part, deadline ? { deadline } : {});
      if (result === 'more') await deps.queue.send('jobs', jobMessage(jobId, part));
      log().debug('job step', { result });
    } catch (err) {
      log().error('job step failed; it will be retried from its checkpoint', { error: err as Error });
      countMetric('JobStepFailures');
      if (jobId !== 'unknown' && Number(record.attributes?.ApproximateReceiveCount ?? 0) >= LAST_DELIVERY) {
        await failJob({ deps, correlationId: `job:${jobId}`, actorId: 'system:jobs' }, jobId, `part ${part} failed ${LAST_DELIVERY} times: ${(err as Error).message}`).catch(() => undefined);
      }
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  flushMetrics();
  return { batchItemFailures: failures };
};
