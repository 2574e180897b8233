import { wooCommerceWebhook as contract } from '../../shared/api/webhooks';
import { UnauthorizedError, ValidationError } from '../../shared/domain/errors';
import { webhookHandler } from '../../shared/http/webhook-handler';
import { normalize } from '../../shared/http/webhook-secrets';
import { verifyBase64Hmac } from '../../shared/http/webhook-signatures';

/**
 * WooCommerce: `X-WC-Webhook-Signature` is the base64 HMAC-SHA256 of the raw body keyed with the
 * webhook's secret (the site's own entry, else `*`). The site is `X-WC-Webhook-Source`, the topic
 * `X-WC-Webhook-Topic` (`order.created`, ...), the dedup id `X-WC-Webhook-Delivery-ID`.
 * When a webhook is created WooCommerce pings it with the unsigned form body `webhook_id=N` and no
 * topic; it is answered 200 (a failed ping would keep the webhook from being saved active).
 */
const PING = /^webhook_id=\d+$/;

export const handler = webhookHandler(contract, 'woocommerce', (req) => {
  const signature = req.header('x-wc-webhook-signature');
  if (!req.header('x-wc-webhook-topic') && !signature && PING.test(req.rawBody.toString('utf8').trim())) return { kind: 'ping' };
  const site = normalize('woocommerce', req.header('x-wc-webhook-source') ?? '');
  if (!/^https?:\/\/[^\s#]+$/i.test(site)) throw new UnauthorizedError('X-WC-Webhook-Source must name the site that signed the delivery.');
  if (!verifyBase64Hmac(req.rawBody, signature, req.secretsFor(site))) {
    throw new UnauthorizedError('The X-WC-Webhook-Signature signature does not match the body for this site.');
  }
  req.json();
  const topic = req.header('x-wc-webhook-topic')?.trim();
  if (!topic) throw ValidationError.field('X-WC-Webhook-Topic', 'is required');
  const deliveryId = req.header('x-wc-webhook-delivery-id')?.trim();
  if (!deliveryId) throw ValidationError.field('X-WC-Webhook-Delivery-ID', 'is required');
  return { kind: 'delivery', sourceId: site, deliveryId, topic };
});
