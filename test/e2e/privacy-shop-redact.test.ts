import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/store/client';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local';
import { startTestStack, type Api, type TestStack } from './helpers';

/**
 * Shopify's shop/redact end to end (issue 7): a store that uninstalled the app sends shop/redact
 * 48 hours later. Its customers who came from it only are erased (each through a customer erasure
 * of their own); a customer also known through another store keeps their profile without that
 * store's link. The request is tracked like the others and reports its counts.
 */
let t: TestStack;
let secret: string;
const fixtures = join(__dirname, '..', 'fixtures', 'shopify');
const orderFixture = JSON.parse(readFileSync(join(fixtures, 'orders-create.json'), 'utf8'));
const shopRedactFixture = readFileSync(join(fixtures, 'shop-redact.json'), 'utf8');
const GONE = 'uninstalled-e2e.myshopify.com';
const STILL = 'still-installed-e2e.myshopify.com';
const ONLY = { email: 'olga.onlyshop@example.com', phone: '+8613933334444', first: 'Olga', last: 'Onlyshop' };
const BOTH = { email: 'bert.bothshops@example.com', name: 'Bert Bothshops' };

const ok = (res: Api, status = 200) => {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res.body;
};

beforeAll(async () => {
  t = await startTestStack();
  secret = JSON.parse(readFileSync(t.stack.webhookSecretsFile, 'utf8')).shopify['*'][0];
}, 60_000);
afterAll(() => t?.stop());

function shopify(shop: string, topic: string, body: string, eventId: string) {
  return t.call('POST', '/v1/webhooks/shopify', {
    role: null,
    raw: body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
      'x-shopify-shop-domain': shop,
      'x-shopify-event-id': eventId,
      'x-shopify-webhook-id': `wh-${eventId}`,
      'x-shopify-triggered-at': new Date().toISOString(),
    },
  });
}

async function scanFor(needles: string[]): Promise<string[]> {
  const doc = createDocumentClient({ endpoint: t.stack.dynamoEndpoint, credentials: LOCAL_CREDENTIALS });
  const hits: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(new ScanCommand({ TableName: t.stack.tableName, ...(start ? { ExclusiveStartKey: start } : {}) }));
    for (const item of res.Items ?? []) {
      const text = JSON.stringify(item).toLowerCase();
      for (const n of needles) if (text.includes(n.toLowerCase())) hits.push(`${item.PK} ${item.SK} (${item.entity}): ${n}`);
    }
    start = res.LastEvaluatedKey;
  } while (start);
  return hits;
}

describe("Shopify's shop/redact", () => {
  let onlyId = '';
  let bothId = '';
  let otherId = '';

  it('sets up a customer of the uninstalled store only, one of both stores, one of the other store', async () => {
    const order = { ...orderFixture, id: 991001, email: ONLY.email, phone: ONLY.phone, customer: { ...orderFixture.customer, id: 881001, email: ONLY.email, phone: ONLY.phone, first_name: ONLY.first, last_name: ONLY.last } };
    expect((await shopify(GONE, 'orders/create', JSON.stringify(order), 'evt-shop-order-1')).status).toBe(202);
    await t.stack.waitForIdle(30_000);
    const found = ok(await t.call('GET', `/v1/customers?email=${encodeURIComponent(ONLY.email)}`));
    expect(found.items).toHaveLength(1);
    onlyId = found.items[0].id;
    expect(found.items[0].platformIds).toEqual([{ platform: 'shopify', store: GONE, id: '881001' }]);
    bothId = ok(await t.call('POST', '/v1/customers', { body: { name: BOTH.name, email: BOTH.email, platformIds: [{ platform: 'shopify', store: GONE, id: '881002' }, { platform: 'shopify', store: STILL, id: '771002' }] } }), 201).id;
    otherId = ok(await t.call('POST', '/v1/customers', { body: { name: 'Otto Otherstore', email: 'otto.otherstore@example.com', platformIds: [{ platform: 'shopify', store: STILL, id: '771003' }] } }), 201).id;
    expect((await scanFor([ONLY.email])).length).toBeGreaterThan(0);
  });

  it('is not something a caller can ask for through the API', async () => {
    const res = await t.call('POST', '/v1/privacy-requests', { body: { kind: 'shop-erasure', customerId: onlyId } });
    expect(res.status).toBe(400);
    expect(res.text).toContain('kind');
  });

  it('becomes one tracked shop erasure: the store-only customer erased, the other detached, counts reported', async () => {
    const body = shopRedactFixture.replace('{shop}.myshopify.com', GONE);
    expect((await shopify(GONE, 'shop/redact', body, 'evt-shop-redact-1')).status).toBe(202);
    await t.stack.waitForIdle(30_000);
    expect((await shopify(GONE, 'shop/redact', body, 'evt-shop-redact-1')).status).toBe(200); // the same delivery again
    await t.stack.waitForIdle(30_000);

    const completed = ok(await t.call('GET', '/v1/privacy-requests?status=completed&limit=50')).items as { id: string; kind: string; customerId?: string; source: { request?: string } }[];
    const shops = completed.filter((r) => r.kind === 'shop-erasure');
    expect(shops).toHaveLength(1);
    const parent = ok(await t.call('GET', `/v1/privacy-requests/${shops[0]!.id}`));
    expect(parent).toMatchObject({
      kind: 'shop-erasure',
      status: 'completed',
      overdue: false,
      source: { kind: 'platform', platform: 'shopify', store: GONE, request: 'shop_redact' },
      result: { customersVisited: 3, customersErased: 1, customersDetached: 1, identitiesDetached: 1 },
    });
    expect(Date.parse(parent.dueAt) - Date.parse(parent.receivedAt)).toBe(30 * 86_400_000);
    expect(parent).not.toHaveProperty('download');
    const child = completed.filter((r) => r.kind === 'erasure');
    expect(child).toEqual([expect.objectContaining({ customerId: onlyId, source: expect.objectContaining({ store: GONE, request: 'shop_redact' }) })]);

    const only = ok(await t.call('GET', `/v1/customers/${onlyId}`));
    expect(only).toMatchObject({ id: onlyId, erasedAt: expect.any(String), platformIds: [] });
    expect(await scanFor([ONLY.email, ONLY.phone.slice(3), `${ONLY.first} ${ONLY.last}`, ONLY.last])).toEqual([]);

    const both = ok(await t.call('GET', `/v1/customers/${bothId}`));
    expect(both).toMatchObject({ name: BOTH.name, email: BOTH.email, platformIds: [{ platform: 'shopify', store: STILL, id: '771002' }] });
    expect(both).not.toHaveProperty('erasedAt');
    expect(ok(await t.call('GET', `/v1/customers/${otherId}`)).platformIds).toEqual([{ platform: 'shopify', store: STILL, id: '771003' }]);
  });
});
