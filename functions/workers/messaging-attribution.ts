import { eventConsumer } from '../../shared/events/consumer';
import { attributeOrder } from '../../shared/usecases/messaging/attribution';

/** Orders attributed to the marketing message that brought them (docs/messaging.md): once per order. */
export const CONSUMES = ['OrderPlaced'] as const;

export const handler = eventConsumer('messaging-attribution', CONSUMES, async (event, { deps, log }) => {
  if (event.type !== 'OrderPlaced') return;
  const r = await attributeOrder({ deps, correlationId: event.correlationId, actorId: 'system:attribution' }, event.data as never);
  if (r) log.info('order attributed', { messageId: r.messageId });
});
