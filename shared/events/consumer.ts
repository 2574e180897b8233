import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { getDeps, type Deps } from '../runtime/deps';
import { countMetric, flushMetrics, invocationLogger, type Log } from '../runtime/observability';
import type { EventType } from './catalog';
import { parseEvent, type EventEnvelope } from './envelope';

export interface ConsumerContext {
  deps: Deps;
  log: Log;
}

/**
 * Wraps an event consumer fed by its own SQS queue (an EventBridge rule target in AWS, the
 * in-process bus locally). Each message is an EventBridge event whose `detail` is our envelope;
 * it is validated against the catalog, handled, and reported as a partial batch failure when it
 * throws, so only that message is retried and, after a few tries, lands in the DLQ.
 * Handlers must be idempotent: delivery is at least once.
 */
export function eventConsumer(name: string, accepts: readonly EventType[], fn: (event: EventEnvelope, ctx: ConsumerContext) => Promise<void>) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const deps = await getDeps();
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      let log = invocationLogger('unknown', { consumer: name, messageId: record.messageId });
      try {
        const raw = JSON.parse(record.body) as { detail?: unknown };
        const envelope = parseEvent(raw.detail ?? raw);
        log = invocationLogger(envelope.correlationId, { consumer: name, eventId: envelope.id, eventType: envelope.type });
        if (!accepts.includes(envelope.type)) {
          log.warn('event type not handled by this consumer; acknowledged');
          continue;
        }
        await fn(envelope, { deps, log });
      } catch (err) {
        log.error('message failed; will be retried, then dead-lettered', { error: err as Error });
        countMetric('ConsumerFailures');
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    flushMetrics();
    return { batchItemFailures: failures };
  };
}
