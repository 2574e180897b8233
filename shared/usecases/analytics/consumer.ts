import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseEvent, type EventEnvelope } from '../../events/envelope';
import { getDeps } from '../../runtime/deps';
import { countMetric, flushMetrics, invocationLogger } from '../../runtime/observability';
import { countEvents } from './rollup';

/**
 * An analytics consumer: takes its queue's batch whole (one transaction for the batch when it can,
 * see ./rollup.ts), reports the messages that failed as partial batch failures (retried, then
 * dead-lettered); malformed messages fail alone.
 */
export function analyticsConsumer(name: string, accepts: readonly string[]) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const deps = await getDeps();
    const failures: { itemIdentifier: string }[] = [];
    const byEvent = new Map<string, string[]>();
    const events: EventEnvelope[] = [];
    for (const record of event.Records) {
      try {
        const raw = JSON.parse(record.body) as { detail?: unknown };
        const e = parseEvent(raw.detail ?? raw);
        if (!accepts.includes(e.type)) continue;
        events.push(e);
        byEvent.set(e.id, [...(byEvent.get(e.id) ?? []), record.messageId]);
      } catch (err) {
        invocationLogger('unknown', { consumer: name, messageId: record.messageId }).error('malformed message; will be retried, then dead-lettered', { error: err as Error });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    if (events.length) {
      let outcomes: Map<string, unknown>;
      try {
        outcomes = await countEvents(deps, events);
      } catch (err) {
        outcomes = new Map(events.map((e) => [e.id, err]));
      }
      let counted = 0;
      for (const e of events) {
        const o = outcomes.get(e.id);
        if (o instanceof Error || o === undefined) {
          invocationLogger(e.correlationId, { consumer: name, eventId: e.id, eventType: e.type }).error('not counted; will be retried, then dead-lettered', { error: (o as Error) ?? new Error('no outcome') });
          countMetric('ConsumerFailures');
          for (const id of byEvent.get(e.id) ?? []) if (!failures.some((f) => f.itemIdentifier === id)) failures.push({ itemIdentifier: id });
        } else if (o === 'counted') counted++;
      }
      if (counted) countMetric('AnalyticsEventsCounted', counted);
    }
    flushMetrics();
    return { batchItemFailures: failures };
  };
}
