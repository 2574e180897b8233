import { genericWebhook as contract } from '../../shared/api/webhooks';
import { UnauthorizedError, ValidationError } from '../../shared/domain/errors';
import { webhookHandler } from '../../shared/http/webhook-handler';
import { verifyCrmSignature } from '../../shared/http/webhook-signatures';

/**
 * Any other source (a POS, a mini-program backend, a marketplace bridge): the body is the generic
 * envelope `{ id, type, occurredAt, data }` (docs/webhooks.md), signed Stripe-style in
 * `X-CRM-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with the secret of
 * `{sourceId}`, within 5 minutes of now. The dedup id is the envelope's `id`, the topic its `type`;
 * `data` is validated by the ingest worker's normalizer, not here.
 */
const SOURCE_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const handler = webhookHandler(contract, 'generic', (req) => {
  const sourceId = req.params.sourceId ?? '';
  // An unknown source has no secret and fails like a wrong signature: the answer does not tell them apart.
  const secrets = SOURCE_ID.test(sourceId) ? req.secretsFor(sourceId) : [];
  const check = verifyCrmSignature(req.rawBody, req.header('x-crm-signature'), secrets, req.now.getTime());
  if (!check.ok) throw new UnauthorizedError(`The X-CRM-Signature was refused: ${check.reason}.`);
  const body = req.json();
  const envelope = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const issues = [
    ...(typeof envelope.id === 'string' && envelope.id.trim() ? [] : [{ field: 'id', message: 'must be a non-empty string (the event id, used for dedup)' }]),
    ...(typeof envelope.type === 'string' && envelope.type.trim() ? [] : [{ field: 'type', message: 'must be a non-empty string (the event type)' }]),
  ];
  if (issues.length) throw new ValidationError(issues);
  return { kind: 'delivery', sourceId, deliveryId: (envelope.id as string).trim(), topic: (envelope.type as string).trim() };
});
