import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { INGEST_SOURCES, IngestError, type IngestItem, type RawDelivery } from '../../shared/domain/ingest';
import { normalizeDelivery } from '../../shared/domain/normalize';
import { getDeps } from '../../shared/runtime/deps';
import { countMetric, flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { rejectedDeliveryKey } from '../../shared/store/keys';
import type { DeliveryRef } from '../../shared/store/orders-repo';
import type { Ctx } from '../../shared/usecases/customers';
import { ingestOrder, ingestRefund, type Outcome } from '../../shared/usecases/ingest/ingest-order';
import { ingestBehaviour, ingestCheckout, ingestCustomer, ingestPrivacy } from '../../shared/usecases/ingest/ingest-other';
import { ingestAfterSales } from '../../shared/usecases/service/aftersales';
import { PutCommand } from '@aws-sdk/lib-dynamodb';

/**
 * The ingest worker: raw webhook deliveries from the ingest queue are normalized and applied.
 * Each item of a delivery is applied with its own delivery marker (`<id>#<n>`), the last with the
 * plain id the receivers check, so a delivery half-applied before a crash is finished on retry
 * and a fully applied one is a duplicate. A delivery that cannot be used is recorded with its
 * reason and fails, so after the retries it rests in the DLQ for `npm run dlq -- replay`.
 */
function parseDelivery(body: string): RawDelivery {
  const d = JSON.parse(body) as Partial<RawDelivery>;
  const ok = typeof d.deliveryId === 'string' && typeof d.sourceId === 'string' && typeof d.topic === 'string' && typeof d.body === 'string' && (INGEST_SOURCES as readonly string[]).includes(d.source as string);
  if (!ok) throw new IngestError('not a raw delivery (deliveryId, source, sourceId, topic and body are required)');
  return d as RawDelivery;
}

async function apply(ctx: Ctx, item: IngestItem, ref: DeliveryRef): Promise<Outcome | 'ignored'> {
  switch (item.type) {
    case 'order':
      return ingestOrder(ctx, item.order, ref);
    case 'refund':
      return ingestRefund(ctx, item, ref);
    case 'customer':
      return ingestCustomer(ctx, item, ref);
    case 'checkout':
      return ingestCheckout(ctx, item, ref);
    case 'behaviour':
      return ingestBehaviour(ctx, item, ref);
    case 'privacy':
      return ingestPrivacy(ctx, item, ref);
    case 'aftersales':
      return ingestAfterSales(ctx, item, ref);
    case 'ignored':
      countMetric('WebhooksIgnored');
      return (await ctx.deps.orders.markDelivered(ref, ctx.deps.clock.now().toISOString())) ? 'ignored' : 'duplicate';
  }
}

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const deps = await getDeps();
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    let log = invocationLogger('unknown', { worker: 'ingest', messageId: record.messageId });
    let delivery: RawDelivery | undefined;
    try {
      delivery = parseDelivery(record.body);
      log = invocationLogger(delivery.correlationId ?? delivery.deliveryId, { worker: 'ingest', source: delivery.source, topic: delivery.topic, deliveryId: delivery.deliveryId });
      const base = { source: delivery.source, sourceId: delivery.sourceId, deliveryId: delivery.deliveryId };
      if (await deps.orders.isDelivered(base)) {
        countMetric('DeliveriesDuplicate');
        continue;
      }
      const items = normalizeDelivery(delivery, { defaultPhoneRegion: deps.config.defaultPhoneRegion });
      const ctx: Ctx = { deps, correlationId: delivery.correlationId ?? delivery.deliveryId, actorId: `system:${delivery.source}` };
      const list: IngestItem[] = items.length ? items : [{ type: 'ignored', reason: 'nothing to apply' }];
      for (const [n, item] of list.entries()) {
        const ref = n === list.length - 1 ? base : { ...base, deliveryId: `${base.deliveryId}#${n}` };
        const outcome = await apply(ctx, item, ref);
        log.debug('delivery item applied', { type: item.type, outcome });
      }
      countMetric('DeliveriesIngested');
    } catch (err) {
      const permanent = err instanceof IngestError || err instanceof SyntaxError;
      log.error(permanent ? 'delivery refused; it goes to the DLQ after the retries' : 'delivery failed; it will be retried', { error: err as Error });
      countMetric(permanent ? 'DeliveriesRejected' : 'DeliveriesFailed');
      if (permanent && delivery) await recordRejection(delivery, (err as Error).message).catch(() => undefined);
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  flushMetrics();
  return { batchItemFailures: failures };
};

async function recordRejection(d: RawDelivery, reason: string): Promise<void> {
  const deps = await getDeps();
  const now = deps.clock.now().toISOString();
  await deps.db.doc.send(
    new PutCommand({
      TableName: deps.db.tableName,
      Item: { ...rejectedDeliveryKey(d.source, d.sourceId, d.deliveryId), entity: 'rejected-delivery', topic: d.topic, reason, rejectedAt: now, ttl: Math.floor(Date.parse(now) / 1000) + 14 * 86_400 },
    }),
  );
}
