import type { IdentityHints, NormalizedOrder } from '../../shared/domain/ingest';
import type { Deps } from '../../shared/runtime/deps';
import { ingestOrder } from '../../shared/usecases/ingest/ingest-order';
import { abandonCheckouts, ingestBehaviour, ingestCheckout, ingestCustomer, ingestPrivacy } from '../../shared/usecases/ingest/ingest-other';
import { testDeps } from '../support/db';
import { ctxOf, publishedTypes } from './helpers';

let n = 0;
const delivery = () => ({ source: 'shopify', sourceId: 's', deliveryId: `x${++n}` });
const identity: IdentityHints = { platform: 'shopify', store: 's', platformCustomerId: '77', email: 'cart@example.com', sourceChannel: 'shopify' };
const at = (d: Deps, iso: string): Deps => ({ ...d, clock: { now: () => new Date(iso) } });
const checkout = (over: Record<string, unknown> = {}) => ({
  type: 'checkout' as const,
  platform: 'shopify',
  store: 's',
  checkoutId: 'k1',
  identity,
  currency: 'USD',
  totalMinor: 3000,
  lines: [{ product: 'Mug', quantity: 2, unitPriceMinor: 1500 }],
  occurredAt: '2026-05-01T10:00:00.000Z',
  updatedAt: '2026-05-01T10:00:00.000Z',
  ...over,
});

describe('checkouts', () => {
  it('declares a checkout without an order abandoned once, at its time, not before', async () => {
    const d = await testDeps();
    expect(await ingestCheckout(ctxOf(d), checkout(), delivery())).toBe('applied');
    expect(await abandonCheckouts(ctxOf(at(d, '2026-05-01T10:59:00.000Z')))).toBe(0);
    expect(await abandonCheckouts(ctxOf(at(d, '2026-05-01T11:00:30.000Z')))).toBe(1);
    expect(await abandonCheckouts(ctxOf(at(d, '2026-05-01T12:00:00.000Z')))).toBe(0);
    expect((await d.checkouts.get('shopify', 's', 'k1'))?.status).toBe('abandoned');
    expect(await publishedTypes(d)).toEqual(['CustomerCreated', 'CheckoutStarted', 'CheckoutAbandoned']);
    const customerId = (await d.checkouts.get('shopify', 's', 'k1'))!.customerId;
    const entries = (await d.partition.timeline(customerId, 10)).items;
    expect(entries).toMatchObject([{ kind: 'checkout', occurredAt: '2026-05-01T11:00:00.000Z', data: { status: 'abandoned', checkoutId: 'k1' } }]);
    // Counted in the customer's activity, for rules like "abandoned a cart in the last 7 days".
    expect((await d.orders.aggregates(customerId)).activity).toEqual({ 'checkout:abandoned': { '2026-05-01': 1 } });
  });

  it('moves the abandon time with each update and never abandons a checkout an order completed', async () => {
    const d = await testDeps();
    await ingestCheckout(ctxOf(d), checkout({ checkoutId: 'k2' }), delivery());
    await ingestCheckout(ctxOf(d), checkout({ checkoutId: 'k2', updatedAt: '2026-05-01T10:30:00.000Z', totalMinor: 4500 }), delivery());
    expect(await abandonCheckouts(ctxOf(at(d, '2026-05-01T11:10:00.000Z')))).toBe(0);
    const order: NormalizedOrder = {
      platform: 'shopify', store: 's', orderId: 'o9', identity, placedAt: '2026-05-01T11:15:00.000Z', updatedAt: '2026-05-01T11:15:00.000Z', status: 'paid', currency: 'USD',
      totalMinor: 4500, subtotalMinor: 4500, discountMinor: 0, taxMinor: 0, shippingMinor: 0, refundedMinor: 0, lines: [], discountCodes: [], channel: 'web', checkoutId: 'k2',
    };
    await ingestOrder(ctxOf(d), order, delivery());
    expect(await abandonCheckouts(ctxOf(at(d, '2026-05-02T00:00:00.000Z')))).toBe(0);
    expect((await d.checkouts.get('shopify', 's', 'k2'))).toMatchObject({ status: 'completed', orderId: 'o9', totalMinor: 4500 });
  });
});

describe('customers, behaviour and privacy deliveries', () => {
  it('upserts a customer once per delivery and adds identities the profile lacked', async () => {
    const d = await testDeps();
    const dl = delivery();
    expect(await ingestCustomer(ctxOf(d), { type: 'customer', identity: { ...identity, email: undefined }, occurredAt: '2026-05-01T00:00:00Z' }, dl)).toBe('applied');
    expect(await ingestCustomer(ctxOf(d), { type: 'customer', identity: { ...identity, email: undefined }, occurredAt: '2026-05-01T00:00:00Z' }, dl)).toBe('duplicate');
    await ingestCustomer(ctxOf(d), { type: 'customer', identity, occurredAt: '2026-05-02T00:00:00Z' }, delivery());
    const id = await d.customers.findIdByIdentity({ kind: 'platform', value: 'shopify:s:77' });
    expect((await d.customers.require(id!)).email).toBe('cart@example.com');
  });

  it('puts an inquiry on the timeline as an interaction, once', async () => {
    const d = await testDeps();
    const dl = delivery();
    const item = { type: 'behaviour' as const, identity, action: 'inquiry' as const, product: 'Mug', note: 'is it dishwasher safe?', occurredAt: '2026-05-01T09:00:00.000Z' };
    expect(await ingestBehaviour(ctxOf(d), item, dl)).toBe('applied');
    expect(await ingestBehaviour(ctxOf(d), item, dl)).toBe('duplicate');
    const id = await d.customers.findIdByIdentity({ kind: 'platform', value: 'shopify:s:77' });
    const tl = await d.partition.timeline(id!, 10);
    expect(tl.items).toHaveLength(1);
    expect(tl.items[0]).toMatchObject({ kind: 'interaction', summary: 'inquiry: Mug: is it dishwasher safe?', data: { type: 'inquiry', channel: 'web' } });
  });

  it('records a Shopify redact request for the privacy feature', async () => {
    const d = await testDeps();
    await ingestCustomer(ctxOf(d), { type: 'customer', identity, occurredAt: '2026-05-01T00:00:00Z' }, delivery());
    expect(await ingestPrivacy(ctxOf(d), { type: 'privacy', request: 'customer_redact', platform: 'shopify', store: 's', identity, occurredAt: '2026-05-03T00:00:00Z' }, delivery())).toBe('applied');
    expect((await publishedTypes(d)).slice(-1)).toEqual(['PrivacyRequestReceived']);
  });
});
