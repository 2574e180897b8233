import { eventConsumer } from '../../shared/events/consumer';
import { messageQueue } from '../../shared/runtime/sqs-message-queue';
import { planCare } from '../../shared/usecases/service/cadences';

/** Care cadences: new leads, orders, birthdays and renewal dates become timed tasks or messages by the rules. */
export const CONSUMES = ['CustomerCreated', 'CustomerUpdated', 'CustomerRestored', 'OrderPlaced'] as const;

export const handler = eventConsumer('care-cadences', CONSUMES, async (event, { deps, log }) => {
  const ctx = { deps: { ...deps, queue: messageQueue(deps) }, correlationId: event.correlationId, actorId: 'system:care-cadences' };
  const planned = await planCare(ctx, { type: event.type, data: event.data as Record<string, unknown> });
  if (planned) log.debug('care planned', { planned });
});
