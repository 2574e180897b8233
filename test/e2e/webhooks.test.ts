import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawDelivery } from '../../shared/domain/ingest';
import { signCrm } from '../../shared/http/webhook-signatures';
import { startTestStack, type TestStack } from './helpers';

/**
 * Webhooks over HTTP on the local stack, as the shops call them: no token, a signature over the
 * raw body with the secrets the runtime created in its state directory. Assertions are on the
 * HTTP answers and on what reached the ingest queue, not on what the ingest worker does with it.
 */
let t: TestStack;
let secrets: { shopify: Record<string, string[]>; woocommerce: Record<string, string[]>; generic: Record<string, string[]> };
beforeAll(async () => {
  t = await startTestStack();
  secrets = JSON.parse(readFileSync(t.stack.webhookSecretsFile, 'utf8'));
});
afterAll(async () => {
  await t?.stop();
});

const fixture = readFileSync(join(__dirname, '..', 'fixtures', 'shopify', 'orders-create.json'));
const ingest = () => t.stack.queues.get('ingest')!;
const b64 = (secret: string, body: Buffer | string) => createHmac('sha256', secret).update(body).digest('base64');

const shopifyHeaders = (signature: string, eventId: string) => ({
  'content-type': 'application/json',
  'x-shopify-topic': 'orders/create',
  'x-shopify-hmac-sha256': signature,
  'x-shopify-shop-domain': 'demo-store.myshopify.com',
  'x-shopify-api-version': '2025-01',
  'x-shopify-webhook-id': `wh-${eventId}`,
  'x-shopify-event-id': eventId,
  'x-shopify-triggered-at': '2020-12-26T21:23:59.000Z',
});

it('creates webhook secrets for every source on first start', () => {
  expect(secrets.shopify['*']?.[0]).toMatch(/^[\w-]{20,}$/);
  expect(secrets.woocommerce['*']?.[0]).toMatch(/^[\w-]{20,}$/);
  expect(secrets.generic.default?.[0]).toMatch(/^[\w-]{20,}$/);
});

it('accepts the Shopify fixture signed as Shopify signs it: 202 and exactly one message on the ingest queue', async () => {
  const before = ingest().stats().sent;
  const res = await t.call('POST', '/v1/webhooks/shopify', { role: null, raw: fixture, headers: shopifyHeaders(b64(secrets.shopify['*']![0]!, fixture), 'e2e-evt-1') });
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ status: 'queued', deliveryId: 'e2e-evt-1' });
  expect(ingest().stats().sent).toBe(before + 1);
  const delivery = JSON.parse(ingest().recentSent.at(-1)!.body) as RawDelivery;
  expect(delivery).toMatchObject({ source: 'shopify', sourceId: 'demo-store.myshopify.com', topic: 'orders/create', deliveryId: 'e2e-evt-1' });
  expect(delivery.body).toBe(fixture.toString('utf8'));
  expect(delivery.correlationId).toBe(res.headers.get('x-correlation-id'));
});

it('refuses a bad signature with 401 problem+json and queues nothing', async () => {
  const before = ingest().stats().sent;
  const res = await t.call('POST', '/v1/webhooks/shopify', { role: null, raw: fixture, headers: shopifyHeaders(b64('wrong-secret', fixture), 'e2e-evt-2') });
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(ingest().stats().sent).toBe(before);
});

it('answers the WooCommerce ping and queues a signed WooCommerce delivery', async () => {
  const ping = await t.call('POST', '/v1/webhooks/woocommerce', { role: null, raw: 'webhook_id=3', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(ping.status).toBe(200);
  const body = JSON.stringify({ id: 88, status: 'processing' });
  const before = ingest().stats().sent;
  const res = await t.call('POST', '/v1/webhooks/woocommerce', {
    role: null,
    raw: body,
    headers: {
      'content-type': 'application/json',
      'x-wc-webhook-topic': 'order.created',
      'x-wc-webhook-source': 'https://wc.example.com/',
      'x-wc-webhook-signature': b64(secrets.woocommerce['*']![0]!, body),
      'x-wc-webhook-delivery-id': 'e2e-wc-1',
    },
  });
  expect(res.status).toBe(202);
  expect(ingest().stats().sent).toBe(before + 1);
});

it('queues a generic envelope signed for the default source, and refuses one for an unknown source', async () => {
  const body = JSON.stringify({ id: 'e2e-g-1', type: 'customer.upsert', occurredAt: new Date().toISOString(), data: { email: 'g@example.com' } });
  const signature = signCrm(body, secrets.generic.default![0]!, Math.floor(Date.now() / 1000));
  const headers = { 'content-type': 'application/json', 'x-crm-signature': signature };
  const before = ingest().stats().sent;
  expect((await t.call('POST', '/v1/webhooks/generic/default', { role: null, raw: body, headers })).status).toBe(202);
  expect((await t.call('POST', '/v1/webhooks/generic/unknown', { role: null, raw: body, headers })).status).toBe(401);
  expect(ingest().stats().sent).toBe(before + 1);
});

it('lists the ingest queue among the dead-letter queues (npm run dlq)', async () => {
  const res = await t.call('GET', '/_local/dlq?queue=ingest');
  expect(res.status).toBe(200);
  expect(res.body.queues).toEqual([expect.objectContaining({ queue: 'ingest' })]);
});
