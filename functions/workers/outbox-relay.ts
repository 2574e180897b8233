import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { parseEvent, type EventEnvelope } from '../../shared/events/envelope';
import { EventBridgePublisher } from '../../shared/events/eventbridge-publisher';
import type { EventPublisher } from '../../shared/events/publisher';
import { getDeps, type Deps } from '../../shared/runtime/deps';
type Log = ReturnType<typeof invocationLogger>;
import { countMetric, flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { CUSTOMER_ENTITY } from '../../shared/store/customer-items';
import { customerIdFromPk } from '../../shared/store/keys';
import { ORDER_ENTITY, orderFromItem } from '../../shared/store/orders-repo';
import { OUTBOX_ENTITY } from '../../shared/store/outbox';
import { customerCreatedEvent } from '../../shared/usecases/projections/customers';
import { activityChange, orderAggregatesChange, orderEvents, projectAggregates, timelineActivityKey, type AggregatesChange, type OrderChange, type OrderImage } from '../../shared/usecases/projections/aggregates';
import { TIMELINE_ENTITY } from '../../shared/store/partition-repo';

/**
 * The stream relay. The table's stream delivers, in commit order per partition:
 * - outbox items (INSERT, entity `event`): published as they are;
 * - order items (entity `order`, any change): the customer's aggregates are moved (exactly once,
 *   see projections/aggregates.ts) and the change becomes OrderPlaced / OrderUpdated / OrderRefunded;
 * - timeline items arriving in or leaving a partition: the customer's per-day activity;
 * - profiles: the tag index follows their tags; one the ingest worker created (INSERT,
 *   `createdVia: ingest`) becomes CustomerCreated.
 * Customers are projected in parallel, each customer's records in order. The first record that
 * fails (projection or publish) is reported as the batch item failure: the stream retries from it,
 * and after the retries the on-failure destination keeps it. A replayed batch (`replay: true`)
 * rebuilds the aggregates of the orders in it instead of moving them.
 */
let eventBridge: EventPublisher | undefined;

type TagsChange = { customerId: string; added: string[]; removed: string[] };
type Work = { seq: string; index: number; events: EventEnvelope[]; order?: OrderChange; aggregates?: AggregatesChange; tags?: TagsChange };

const liveTags = (item: Record<string, unknown> | undefined): string[] => (item && item.status === 'active' && Array.isArray(item.tags) ? (item.tags as string[]) : []);

const image = (r: DynamoDBRecord, which: 'NewImage' | 'OldImage') => {
  const raw = r.dynamodb?.[which] as Record<string, AttributeValue> | undefined;
  return raw ? unmarshall(raw) : undefined;
};

function classify(r: DynamoDBRecord, index: number, log: Log): Work | undefined {
  const seq = r.dynamodb?.SequenceNumber ?? '';
  const after = image(r, 'NewImage');
  const before = image(r, 'OldImage');
  const entity = (after ?? before)?.entity;
  if (entity === OUTBOX_ENTITY && r.eventName === 'INSERT' && after) {
    try {
      return { seq, index, events: [parseEvent(after.event)] };
    } catch (err) {
      log.error('outbox item is not a valid event; skipped', { error: err as Error, pk: after.PK });
      countMetric('OutboxInvalid');
      return undefined;
    }
  }
  if (entity === ORDER_ENTITY) {
    const pk = ((after ?? before)!.PK as string) ?? '';
    const customerId = customerIdFromPk(pk);
    if (!customerId) return undefined;
    const seenAt = new Date((r.dynamodb?.ApproximateCreationDateTime ?? Date.now() / 1000) * 1000).toISOString();
    const change: OrderChange = {
      seq,
      customerId,
      itemKey: `${pk}|${(after ?? before)!.SK as string}`,
      ...(before ? { before: { ...orderFromItem(before), ...meta(before) } } : {}),
      ...(after ? { after: { ...orderFromItem(after), ...meta(after) } } : {}),
      seenAt,
    };
    return { seq, index, events: [], order: change, aggregates: orderAggregatesChange(change) };
  }
  if (entity === TIMELINE_ENTITY && (r.eventName === 'INSERT' || r.eventName === 'REMOVE')) {
    const item = (after ?? before)!;
    const customerId = customerIdFromPk(item.PK as string);
    const key = timelineActivityKey(item);
    if (!customerId || !key || typeof item.occurredAt !== 'string') return undefined;
    return { seq, index, events: [], aggregates: activityChange(seq, customerId, key, item.occurredAt, r.eventName === 'INSERT' ? 1 : -1) };
  }
  if (entity === CUSTOMER_ENTITY) {
    const created = r.eventName === 'INSERT' && after ? customerCreatedEvent(after) : undefined;
    const customerId = customerIdFromPk(((after ?? before)!.PK as string) ?? '');
    const was = liveTags(before);
    const now = liveTags(after);
    const tags = customerId ? { customerId, added: now.filter((t) => !was.includes(t)), removed: was.filter((t) => !now.includes(t)) } : undefined;
    const changed = !!tags && tags.added.length + tags.removed.length > 0;
    if (!created && !changed) return undefined;
    return { seq, index, events: created ? [created] : [], ...(changed ? { tags } : {}) };
  }
  return undefined;
}

const meta = (item: Record<string, unknown>): Partial<OrderImage> => ({
  ...(typeof item.lastWriteAt === 'string' ? { lastWriteAt: item.lastWriteAt } : {}),
  ...(typeof item.correlationId === 'string' ? { correlationId: item.correlationId } : {}),
  ...(typeof item.movedAt === 'string' ? { movedAt: item.movedAt } : {}),
});

/** Projects the aggregates changes, customers in parallel; returns the index of the first failure. */
async function project(deps: Deps, work: Work[], replay: boolean, log: Log): Promise<number | undefined> {
  const byCustomer = new Map<string, Work[]>();
  for (const w of work) {
    const id = w.aggregates?.customerId ?? w.tags?.customerId;
    if (id) byCustomer.set(id, [...(byCustomer.get(id) ?? []), w]);
  }
  let firstFailure: number | undefined;
  await Promise.all(
    [...byCustomer.values()].map(async (list) => {
      for (const w of list) {
        try {
          if (w.aggregates) {
            const outcome = await projectAggregates(deps, w.aggregates, { replay });
            countMetric(outcome === 'applied' ? 'AggregateChangesProjected' : 'AggregateChangesSkipped');
          }
          if (w.tags) await deps.tagIndex.apply(w.tags.customerId, w.tags.added, w.tags.removed);
          if (w.order) w.events = orderEvents(w.order);
        } catch (err) {
          log.error('a change could not be projected; the stream retries from it', { error: err as Error, customerId: w.aggregates?.customerId ?? w.tags?.customerId });
          if (firstFailure === undefined || w.index < firstFailure) firstFailure = w.index;
          return;
        }
      }
    }),
  );
  return firstFailure;
}

export const handler = async (event: DynamoDBStreamEvent & { replay?: boolean }): Promise<DynamoDBBatchResponse> => {
  const deps = await getDeps();
  const log = invocationLogger('outbox-relay');
  const work = event.Records.map((r, i) => classify(r, i, log)).filter((w): w is Work => !!w);
  if (work.length === 0) return { batchItemFailures: [] };
  const failedAt = await project(deps, work, event.replay === true, log);
  const ready = work.filter((w) => failedAt === undefined || w.index < failedAt);
  const pending = ready.flatMap((w) => w.events.map((e) => ({ seq: w.seq, index: w.index, envelope: e })));
  let firstFailure = failedAt;
  if (pending.length) {
    const publisher = deps.publisher ? await deps.publisher() : (eventBridge ??= new EventBridgePublisher(deps.config.eventBusName));
    const { failedIds } = await publisher.publish(pending.map((p) => p.envelope));
    countMetric('EventsPublished', pending.length - failedIds.length);
    if (failedIds.length) {
      const failed = new Set(failedIds);
      const first = pending.find((p) => failed.has(p.envelope.id))!;
      log.warn('events failed to publish; the stream retries from the first failure', { failed: failedIds.length });
      if (firstFailure === undefined || first.index < firstFailure) firstFailure = first.index;
    }
  }
  flushMetrics();
  if (firstFailure === undefined) return { batchItemFailures: [] };
  return { batchItemFailures: [{ itemIdentifier: event.Records[firstFailure]!.dynamodb!.SequenceNumber! }] };
};
