import { shopifyWebhook as contract } from '../../shared/api/webhooks';
import { UnauthorizedError, ValidationError } from '../../shared/domain/errors';
import { webhookHandler } from '../../shared/http/webhook-handler';
import { verifyBase64Hmac } from '../../shared/http/webhook-signatures';

/**
 * Shopify: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body keyed with the app's
 * client secret (the shop's own entry, else `*`). The shop is `X-Shopify-Shop-Domain`, the topic
 * `X-Shopify-Topic`, and the dedup id `X-Shopify-Event-Id` (the same for every retry of an event),
 * else `X-Shopify-Webhook-Id`.
 */
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$/;

export const handler = webhookHandler(contract, 'shopify', (req) => {
  const shop = req.header('x-shopify-shop-domain')?.trim().toLowerCase() ?? '';
  if (!SHOP_DOMAIN.test(shop)) throw new UnauthorizedError('X-Shopify-Shop-Domain must name the shop that signed the delivery.');
  if (!verifyBase64Hmac(req.rawBody, req.header('x-shopify-hmac-sha256'), req.secretsFor(shop))) {
    throw new UnauthorizedError('The X-Shopify-Hmac-Sha256 signature does not match the body for this shop.');
  }
  req.json();
  const topic = req.header('x-shopify-topic')?.trim();
  if (!topic) throw ValidationError.field('X-Shopify-Topic', 'is required');
  const deliveryId = (req.header('x-shopify-event-id') || req.header('x-shopify-webhook-id'))?.trim();
  if (!deliveryId) throw ValidationError.field('X-Shopify-Event-Id', 'is required (or X-Shopify-Webhook-Id)');
  return { kind: 'delivery', sourceId: shop, deliveryId, topic };
});
