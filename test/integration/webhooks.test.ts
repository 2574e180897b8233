import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handler as generic } from '../../functions/webhooks/generic';
import { handler as shopify } from '../../functions/webhooks/shopify';
import { handler as woocommerce } from '../../functions/webhooks/woocommerce';
import type { RawDelivery } from '../../shared/domain/ingest';
import { signCrm } from '../../shared/http/webhook-signatures';
import { setDeps, type Deps } from '../../shared/runtime/deps';
import type { MessageQueue, QueueName } from '../../shared/runtime/message-queue';
import { DELIVERY_SK, deliveryPk } from '../../shared/store/keys';
import { testDeps } from '../support/db';

/** The three receivers with API Gateway events, the run's DynamoDB Local for dedup, and a capturing queue. */
const fixture = readFileSync(join(__dirname, '..', 'fixtures', 'shopify', 'orders-create.json'));
const SECRETS = {
  shopify: { '*': ['shop-new', 'shop-old'] },
  woocommerce: { 'https://wc.example.com': ['wc-secret'] },
  generic: { pos: ['pos-secret'] },
};
const NOW = new Date('2026-03-01T10:00:00.000Z');

const sent: { queue: QueueName; body: string; groupId?: string }[] = [];
const queue: MessageQueue = {
  send: async (q, body, opts) => void sent.push({ queue: q, body, ...(opts?.groupId ? { groupId: opts.groupId } : {}) }),
};
let deps: Deps;
beforeAll(async () => {
  deps = await testDeps({ queue, webhookSecrets: async () => JSON.stringify(SECRETS), clock: { now: () => NOW } });
  setDeps(deps);
});
afterAll(() => setDeps(undefined));
beforeEach(() => (sent.length = 0));

const b64 = (secret: string, body: Buffer | string) => createHmac('sha256', secret).update(body).digest('base64');

function event(path: string, body: Buffer | string, headers: Record<string, string>, opts: { b64?: boolean; params?: Record<string, string> } = {}) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    body: opts.b64 ? bytes.toString('base64') : bytes.toString('utf8'),
    isBase64Encoded: opts.b64 ?? false,
    pathParameters: opts.params,
    requestContext: { requestId: 'req-wh', http: { method: 'POST', path } },
  };
}

const call = async (h: (e: never, c: never) => Promise<unknown>, e: unknown) => {
  const res = (await h(e as never, {} as never)) as APIGatewayProxyStructuredResultV2;
  return { status: res.statusCode, headers: res.headers ?? {}, body: res.body ? JSON.parse(res.body) : undefined };
};

const shopifyHeaders = (body: Buffer | string, over: Record<string, string> = {}) => ({
  'x-shopify-topic': 'orders/create',
  'x-shopify-hmac-sha256': b64('shop-old', body),
  'x-shopify-shop-domain': 'demo-store.myshopify.com',
  'x-shopify-event-id': 'evt-7f2c',
  'x-shopify-webhook-id': 'wh-1',
  ...over,
});

async function tableItems(): Promise<number> {
  const res = await deps.db.doc.send(new ScanCommand({ TableName: deps.db.tableName, Select: 'COUNT' }));
  return res.Count ?? 0;
}

describe('Shopify receiver', () => {
  it('queues the raw body, verbatim, from a base64 event: 202 queued', async () => {
    const r = await call(shopify, event('/v1/webhooks/shopify', fixture, shopifyHeaders(fixture), { b64: true }));
    expect(r).toMatchObject({ status: 202, body: { status: 'queued', deliveryId: 'evt-7f2c' } });
    expect(r.headers['x-correlation-id']).toBe('req-wh');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ queue: 'ingest', groupId: 'shopify:demo-store.myshopify.com' });
    const delivery = JSON.parse(sent[0]!.body) as RawDelivery;
    expect(delivery).toEqual({
      deliveryId: 'evt-7f2c',
      source: 'shopify',
      sourceId: 'demo-store.myshopify.com',
      topic: 'orders/create',
      receivedAt: NOW.toISOString(),
      body: fixture.toString('utf8'),
      correlationId: 'req-wh',
    });
  });

  it('falls back to X-Shopify-Webhook-Id for dedup, and takes the shop domain in any case', async () => {
    const headers: Record<string, string> = shopifyHeaders(fixture, { 'X-Shopify-Shop-Domain': 'Demo-Store.myshopify.com' });
    delete headers['x-shopify-event-id'];
    delete headers['x-shopify-shop-domain'];
    const r = await call(shopify, event('/v1/webhooks/shopify', fixture, headers));
    expect(r.body).toEqual({ status: 'queued', deliveryId: 'wh-1' });
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ sourceId: 'demo-store.myshopify.com' });
  });

  it.each([
    ['a wrong signature', { 'x-shopify-hmac-sha256': b64('not-the-secret', fixture) }],
    ['no signature', { 'x-shopify-hmac-sha256': '' }],
    ['a truncated signature', { 'x-shopify-hmac-sha256': b64('shop-new', fixture).slice(0, 20) }],
    ['no shop domain', { 'x-shopify-shop-domain': '' }],
  ])('answers %s with 401 problem+json, and stores and queues nothing', async (_label, over) => {
    const before = await tableItems();
    const r = await call(shopify, event('/v1/webhooks/shopify', fixture, shopifyHeaders(fixture, over)));
    expect(r.status).toBe(401);
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(r.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(sent).toEqual([]);
    expect(await tableItems()).toBe(before);
  });

  it('refuses a body signed before it was changed', async () => {
    const tampered = Buffer.from(fixture.toString('utf8').replace('"59.45"', '"0.01"'));
    const r = await call(shopify, event('/v1/webhooks/shopify', tampered, shopifyHeaders(fixture)));
    expect(r.status).toBe(401);
    expect(sent).toEqual([]);
  });

  it('answers 413 over 1 MB, before looking at the signature', async () => {
    const big = Buffer.from(JSON.stringify({ pad: 'x'.repeat(1_000_001) }));
    expect((await call(shopify, event('/v1/webhooks/shopify', big, shopifyHeaders(big), { b64: true }))).status).toBe(413);
    expect((await call(shopify, event('/v1/webhooks/shopify', big, shopifyHeaders(big, { 'x-shopify-hmac-sha256': 'bad' })))).status).toBe(413);
    expect(sent).toEqual([]);
  });

  it('answers 413 when the delivery would not fit in one queue message (1 MiB after JSON escaping)', async () => {
    const quotes = Buffer.from(JSON.stringify({ pad: '"'.repeat(600_000) })); // under 1 MB raw, ~1.8 MB escaped
    const r = await call(shopify, event('/v1/webhooks/shopify', quotes, shopifyHeaders(quotes)));
    expect(r.status).toBe(413);
    expect(sent).toEqual([]);
  });

  it('answers 400 to a signed body that is not JSON, and to a missing topic', async () => {
    const broken = '{"id": 1, ';
    expect((await call(shopify, event('/v1/webhooks/shopify', broken, shopifyHeaders(broken)))).body).toMatchObject({ status: 400, errors: [{ field: 'body' }] });
    expect((await call(shopify, event('/v1/webhooks/shopify', '', shopifyHeaders('')))).status).toBe(400);
    const noTopic = await call(shopify, event('/v1/webhooks/shopify', fixture, shopifyHeaders(fixture, { 'x-shopify-topic': '' })));
    expect(noTopic.body).toMatchObject({ status: 400, errors: [{ field: 'X-Shopify-Topic' }] });
    expect(sent).toEqual([]);
  });

  it('answers 200 duplicate without queueing when the ingest worker has recorded the delivery', async () => {
    await deps.db.doc.send(
      new PutCommand({ TableName: deps.db.tableName, Item: { PK: deliveryPk('shopify', 'demo-store.myshopify.com', 'evt-dup'), SK: DELIVERY_SK, entity: 'delivery' } }),
    );
    const r = await call(shopify, event('/v1/webhooks/shopify', fixture, shopifyHeaders(fixture, { 'x-shopify-event-id': 'evt-dup' })));
    expect(r).toMatchObject({ status: 200, body: { status: 'duplicate', deliveryId: 'evt-dup' } });
    expect(sent).toEqual([]);
    // The same event id from another shop is another delivery.
    const other = await call(shopify, event('/v1/webhooks/shopify', fixture, shopifyHeaders(fixture, { 'x-shopify-event-id': 'evt-dup', 'x-shopify-shop-domain': 'other.myshopify.com' })));
    expect(other.status).toBe(202);
  });

  it('queues a topic it does not know (the worker acknowledges and counts it)', async () => {
    const body = '{"id":1}';
    const r = await call(shopify, event('/v1/webhooks/shopify', body, shopifyHeaders(body, { 'x-shopify-topic': 'inventory_levels/update' })));
    expect(r.status).toBe(202);
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ topic: 'inventory_levels/update' });
  });
});

describe('WooCommerce receiver', () => {
  const body = '{"id":731,"status":"processing","billing":{"email":"wc@example.com"}}';
  const headers = (over: Record<string, string> = {}) => ({
    'x-wc-webhook-topic': 'order.created',
    'x-wc-webhook-source': 'https://wc.example.com/',
    'x-wc-webhook-signature': b64('wc-secret', body),
    'x-wc-webhook-delivery-id': 'd-99',
    ...over,
  });

  it('answers the creation ping 200 without queueing', async () => {
    const r = await call(woocommerce, event('/v1/webhooks/woocommerce', 'webhook_id=12', { 'content-type': 'application/x-www-form-urlencoded' }));
    expect(r).toMatchObject({ status: 200, body: { status: 'ignored' } });
    expect(sent).toEqual([]);
  });

  it('queues a signed delivery under the site URL', async () => {
    const r = await call(woocommerce, event('/v1/webhooks/woocommerce', body, headers()));
    expect(r).toMatchObject({ status: 202, body: { status: 'queued', deliveryId: 'd-99' } });
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ source: 'woocommerce', sourceId: 'https://wc.example.com', topic: 'order.created', body });
  });

  it('refuses a bad signature, an unknown site and a signed ping look-alike', async () => {
    expect((await call(woocommerce, event('/v1/webhooks/woocommerce', body, headers({ 'x-wc-webhook-signature': b64('other', body) })))).status).toBe(401);
    expect((await call(woocommerce, event('/v1/webhooks/woocommerce', body, headers({ 'x-wc-webhook-source': 'https://evil.example.com/' })))).status).toBe(401);
    expect((await call(woocommerce, event('/v1/webhooks/woocommerce', 'webhook_id=12', headers({ 'x-wc-webhook-signature': 'AAAA' })))).status).toBe(401);
    expect(sent).toEqual([]);
  });
});

describe('generic receiver', () => {
  const path = '/v1/webhooks/generic/pos';
  const envelope = (over: Record<string, unknown> = {}) => JSON.stringify({ id: 'sale-1001', type: 'order.upsert', occurredAt: NOW.toISOString(), data: { orderId: '1001' }, ...over });
  const t = Math.floor(NOW.getTime() / 1000);
  const send = (body: string, signature: string, sourceId = 'pos') =>
    call(generic, event(`/v1/webhooks/generic/${sourceId}`, body, { 'x-crm-signature': signature }, { params: { sourceId } }));

  it('queues a signed envelope: topic from type, dedup id from id', async () => {
    const body = envelope();
    const r = await send(body, signCrm(body, 'pos-secret', t - 60));
    expect(r).toMatchObject({ status: 202, body: { status: 'queued', deliveryId: 'sale-1001' } });
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ source: 'generic', sourceId: 'pos', topic: 'order.upsert', deliveryId: 'sale-1001', body });
  });

  it('refuses a replay older than 5 minutes, an unknown source and a bad signature alike with 401', async () => {
    const body = envelope();
    const stale = await send(body, signCrm(body, 'pos-secret', t - 301));
    expect(stale.status).toBe(401);
    expect(stale.body.detail).toMatch(/timestamp/);
    const unknown = await send(body, signCrm(body, 'pos-secret', t), 'nobody');
    const wrong = await send(body, signCrm(body, 'guess', t));
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect(unknown.body.detail).toBe(wrong.body.detail);
    expect(sent).toEqual([]);
  });

  it('answers 400 naming id and type when the envelope lacks them (after the signature check)', async () => {
    const body = JSON.stringify({ occurredAt: NOW.toISOString(), data: {} });
    const r = await send(body, signCrm(body, 'pos-secret', t));
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['id', 'type']);
    expect((await send('[1,', signCrm('[1,', 'pos-secret', t))).status).toBe(400);
    expect((await send('[1,', signCrm('[1,', 'guess', t))).status).toBe(401);
    expect(sent).toEqual([]);
  });

  it('queues an unknown type too', async () => {
    const body = envelope({ id: 'x-1', type: 'loyalty.points' });
    expect((await send(body, signCrm(body, 'pos-secret', t))).status).toBe(202);
  });
});

describe('metrics', () => {
  it('counts received, duplicate and rejected deliveries (EMF)', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (lines.push(String(s)), true));
    const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    try {
      await call(shopify, event('/v1/webhooks/shopify', fixture, shopifyHeaders(fixture, { 'x-shopify-event-id': 'evt-m1' })));
      await call(shopify, event('/v1/webhooks/shopify', fixture, shopifyHeaders(fixture, { 'x-shopify-event-id': 'evt-dup' })));
      await call(shopify, event('/v1/webhooks/shopify', fixture, shopifyHeaders(fixture, { 'x-shopify-hmac-sha256': 'bad' })));
    } finally {
      spy.mockRestore();
      if (disabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
      else process.env.POWERTOOLS_METRICS_DISABLED = disabled;
    }
    const emf = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((d) => d._aws);
    expect(emf.map(({ WebhooksReceived, WebhooksDuplicate, WebhooksRejected }) => ({ WebhooksReceived, WebhooksDuplicate, WebhooksRejected }))).toEqual([
      { WebhooksReceived: 1, WebhooksDuplicate: undefined, WebhooksRejected: undefined },
      { WebhooksReceived: 1, WebhooksDuplicate: 1, WebhooksRejected: undefined },
      { WebhooksReceived: undefined, WebhooksDuplicate: undefined, WebhooksRejected: 1 },
    ]);
  });
});
