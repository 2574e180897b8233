import { eventConsumer } from '../../shared/events/consumer';
import { messageQueue } from '../../shared/runtime/sqs-message-queue';
import { intakePlatformRequest } from '../../shared/usecases/privacy/intake';

/** Shopify's customers/data_request, customers/redact and shop/redact become data-subject requests (an export, an erasure, a shop erasure). */
export const CONSUMES = ['PrivacyRequestReceived'] as const;

export const handler = eventConsumer('privacy-intake', CONSUMES, async (event, { deps, log }) => {
  const ctx = { deps: { ...deps, queue: messageQueue(deps) }, correlationId: event.correlationId, actorId: 'system:privacy-intake' };
  const outcome = await intakePlatformRequest(ctx, event.id, event.data as { request: string; platform: string; store: string; customerId?: string });
  log.info('platform privacy request', { outcome });
});
