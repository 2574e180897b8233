import { eventConsumer } from '../../shared/events/consumer';
import { messageQueue } from '../../shared/runtime/sqs-message-queue';
import { onSalesEvent, SALES_CONSUMES } from '../../shared/usecases/sales/sales-events';

/**
 * After pipeline events: the timers the lead, quote, contract or collection plan needs now (return
 * to the pool, expiry, renewal reminder, instalment reminder and overdue flag), and a converted
 * lead's follow-ups onto the account's timeline.
 */
export const CONSUMES = SALES_CONSUMES;

export const handler = eventConsumer('sales-pipeline', CONSUMES, async (event, { deps }) => {
  await onSalesEvent({ deps: { ...deps, queue: messageQueue(deps) }, correlationId: event.correlationId, actorId: 'system:sales-pipeline' }, event);
});
