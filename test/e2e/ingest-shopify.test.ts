import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestStack, type TestStack } from './helpers';

/**
 * The Shopify sample delivery, signed as Shopify signs it, through the receiver, the ingest queue
 * and the worker: the profile and the order appear; replaying it changes nothing.
 */
let t: TestStack;
let secret: string;
beforeAll(async () => {
  t = await startTestStack();
  secret = JSON.parse(readFileSync(t.stack.webhookSecretsFile, 'utf8')).shopify['*'][0];
});
afterAll(async () => {
  await t?.stop();
});

const fixture = readFileSync(join(__dirname, '..', 'fixtures', 'shopify', 'orders-create.json'));
const send = (eventId: string, body: Buffer = fixture, topic = 'orders/create') =>
  t.call('POST', '/v1/webhooks/shopify', {
    role: null,
    raw: body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
      'x-shopify-shop-domain': 'convert-cart-development.myshopify.com',
      'x-shopify-event-id': eventId,
      'x-shopify-webhook-id': `wh-${eventId}`,
    },
  });

async function state() {
  const found = await t.call('GET', '/v1/customers?email=ryan.w@example.com');
  const id = found.body.items[0]?.id as string;
  const view = await t.call('GET', `/v1/customers/${id}/360`);
  return { count: found.body.items.length, id, view: view.body };
}

it('creates the profile and the order from the sample delivery, and a replay changes nothing', async () => {
  expect((await send('evt-100')).status).toBe(202);
  await t.stack.waitForIdle();
  const first = await state();
  expect(first.count).toBe(1);
  expect(first.view.profile).toMatchObject({ email: 'ryan.w@example.com', sourceChannel: 'shopify' });
  expect(first.view.profile.platformIds).toEqual([{ platform: 'shopify', store: 'convert-cart-development.myshopify.com', id: expect.stringMatching(/^\d+$/) }]);
  expect(first.view.aggregates).toMatchObject({ orderCount: 1, spentMinor: { AUD: 5945 } });
  expect(first.view.timeline.filter((e: { kind: string }) => e.kind === 'order')).toHaveLength(1);

  expect((await send('evt-100')).body).toMatchObject({ status: 'duplicate' });
  expect((await send('evt-101')).status).toBe(202); // same order, new delivery id: applied as a stale update
  await t.stack.waitForIdle();
  const again = await state();
  expect(again.count).toBe(1);
  expect(again.view.aggregates).toEqual(first.view.aggregates);
  expect(again.view.timeline).toEqual(first.view.timeline);
});

it('keeps every digit of a platform id beyond 2^53', async () => {
  const big = Buffer.from(fixture.toString('utf8').replace(/"id": 2998557704341/, '"id": 9007199254740993123'));
  expect((await send('evt-200', big)).status).toBe(202);
  await t.stack.waitForIdle();
  const { id, view: v } = await state();
  expect(v.aggregates.orderCount).toBe(2);
  const view = await t.call('GET', `/v1/customers/${id}/timeline`);
  expect(view.body.items.map((e: { data: { orderId: string } }) => e.data.orderId)).toContain('9007199254740993123');
});
