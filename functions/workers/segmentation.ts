import { eventConsumer } from '../../shared/events/consumer';
import { messageQueue } from '../../shared/runtime/sqs-message-queue';
import { evaluateCustomer } from '../../shared/usecases/segmentation/evaluate-customer';

/**
 * Keeps every customer's tags, tier, lifecycle, RFM, predictions and segment memberships current:
 * each event that can change what a customer is re-evaluates them (a merge, both sides). Changes
 * that come with time alone arrive as timers (functions/workers/timers.ts).
 */
export const CONSUMES = [
  'CustomerCreated',
  'CustomerUpdated',
  'CustomerUpserted',
  'CustomerDeleted',
  'CustomerRestored',
  'CustomerMerged',
  'CustomerUnmerged',
  'OrderPlaced',
  'OrderUpdated',
  'OrderRefunded',
  'InteractionLogged',
  'CheckoutAbandoned',
] as const;

export const handler = eventConsumer('segmentation', CONSUMES, async (event, { deps, log }) => {
  const data = event.data as { customerId?: string; sourceId?: string };
  const ids = [data.customerId, data.sourceId].filter((x): x is string => !!x);
  const ctx = { deps: { ...deps, queue: messageQueue(deps) }, correlationId: event.correlationId, actorId: 'system:segmentation' };
  for (const id of ids) {
    const r = await evaluateCustomer(ctx, id);
    if (r.changed) log.debug('customer evaluated', { customerId: id, entered: r.entered, exited: r.exited });
  }
});
