import * as z from 'zod/mini';
import { defineRoute } from './contract';

/**
 * Contracts of the webhook receivers. They are `public`: no JWT, the handler verifies the
 * platform's signature over the raw body instead (docs/webhooks.md), so they declare no body
 * schema — the body is queued exactly as signed and normalized by the ingest worker.
 */
const answer = () =>
  z.object({
    status: z.enum(['queued', 'duplicate', 'ignored']),
    deliveryId: z.optional(z.string()),
  });

export const shopifyWebhook = defineRoute({
  operationId: 'receiveShopifyWebhook',
  method: 'POST',
  path: '/v1/webhooks/shopify',
  permission: 'public',
  summary: 'Shopify webhook (X-Shopify-Hmac-Sha256 over the raw body): 202 queued for ingestion, 200 if already ingested, 401 bad signature',
  tag: 'Webhooks',
  response: answer,
  status: 202,
});

export const wooCommerceWebhook = defineRoute({
  operationId: 'receiveWooCommerceWebhook',
  method: 'POST',
  path: '/v1/webhooks/woocommerce',
  permission: 'public',
  summary: 'WooCommerce webhook (X-WC-Webhook-Signature over the raw body): 202 queued, 200 if already ingested or a ping, 401 bad signature',
  tag: 'Webhooks',
  response: answer,
  status: 202,
});

export const genericWebhook = defineRoute({
  operationId: 'receiveGenericWebhook',
  method: 'POST',
  path: '/v1/webhooks/generic/{sourceId}',
  permission: 'public',
  summary: 'Any other source: an { id, type, occurredAt, data } envelope signed with X-CRM-Signature (t=,v1=), 5-minute replay window',
  tag: 'Webhooks',
  params: () => z.object({ sourceId: z.string() }),
  response: answer,
  status: 202,
});
