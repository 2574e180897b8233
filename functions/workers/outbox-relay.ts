import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { parseEvent, type EventEnvelope } from '../../shared/events/envelope';
import { EventBridgePublisher } from '../../shared/events/eventbridge-publisher';
import type { EventPublisher } from '../../shared/events/publisher';
import { getDeps } from '../../shared/runtime/deps';
import { countMetric, flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { OUTBOX_ENTITY } from '../../shared/store/outbox';

/**
 * Outbox relay: the table's stream delivers every committed outbox item; this publishes them to
 * the bus. A record whose publish fails is reported as a batch item failure, so the stream retries
 * from it (and, after the retries, the on-failure destination keeps it for replay).
 */
let eventBridge: EventPublisher | undefined;

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const deps = await getDeps();
  const log = invocationLogger('outbox-relay');
  const pending: { seq: string; envelope: EventEnvelope }[] = [];
  for (const r of event.Records) {
    const image = r.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
    if (r.eventName !== 'INSERT' || !image || image.entity?.S !== OUTBOX_ENTITY) continue;
    const item = unmarshall(image);
    try {
      pending.push({ seq: r.dynamodb!.SequenceNumber!, envelope: parseEvent(item.event) });
    } catch (err) {
      log.error('outbox item is not a valid event; skipped', { error: err as Error, pk: item.PK });
      countMetric('OutboxInvalid');
    }
  }
  if (pending.length === 0) return { batchItemFailures: [] };
  const publisher = deps.publisher ? await deps.publisher() : (eventBridge ??= new EventBridgePublisher(deps.config.eventBusName));
  const { failedIds } = await publisher.publish(pending.map((p) => p.envelope));
  countMetric('EventsPublished', pending.length - failedIds.length);
  flushMetrics();
  if (failedIds.length === 0) return { batchItemFailures: [] };
  const failed = new Set(failedIds);
  const first = pending.find((p) => failed.has(p.envelope.id))!;
  log.warn('events failed to publish; the stream retries from the first failure', { failed: failedIds.length });
  return { batchItemFailures: [{ itemIdentifier: first.seq }] };
};
