import { sendMessage as contract } from '../../../shared/api/messaging';
import { httpHandler } from '../../../shared/http/handler';
import { deliver } from '../../../shared/usecases/messaging/deliver';

/**
 * A one-off message to one customer through the whole send pipeline (source `manual`, id
 * `one-off`). `key` makes the send itself idempotent (scoped to the caller); without one each
 * request is a new message (the Idempotency-Key header still replays a retried request).
 */
export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const key = `manual:${principal.sub}:${body.key ?? deps.ids.next()}`;
  const outcome = await deliver(
    { deps, correlationId, actorId: principal.sub },
    {
      key,
      customerId: body.customerId,
      channel: body.channel,
      templateId: body.templateId,
      ...(body.templateVersion ? { templateVersion: body.templateVersion } : {}),
      purpose: body.purpose,
      ...(body.vars ? { vars: body.vars } : {}),
      ...(body.respectQuietHours !== undefined ? { respectQuietHours: body.respectQuietHours } : {}),
      source: { kind: 'manual', id: 'one-off' },
    },
  );
  return { body: outcome };
});
