import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { getDeps } from '../../shared/runtime/deps';
import { countMetric, flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { blobStore } from '../../shared/runtime/s3-blob-store';
import { runPrivacyRequest } from '../../shared/usecases/privacy/requests';

/**
 * Runs data-subject requests (export, erasure), one per message; a failed run is retried whole, then kept in the DLQ.
 * A shop erasure (Shopify's shop/redact) queues its customers' erasures here, and its own continuation when it runs long.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const deps = await getDeps();
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    let id = 'unknown';
    const log = () => invocationLogger(`privacy:${id}`, { worker: 'privacy', messageId: record.messageId });
    try {
      id = String((JSON.parse(record.body) as { requestId?: unknown }).requestId ?? '');
      if (!/^[0-9A-Z]{26}$/.test(id)) throw new Error(`not a privacy request message: ${record.body.slice(0, 100)}`);
      const r = await runPrivacyRequest({ deps, correlationId: `privacy:${id}`, actorId: 'system:privacy' }, blobStore(deps), id);
      log().info('privacy request run', { kind: r.kind, status: r.status, result: r.result });
    } catch (err) {
      log().error('privacy request failed; it will be retried', { error: err as Error });
      countMetric('PrivacyRequestFailures');
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  flushMetrics();
  return { batchItemFailures: failures };
};
