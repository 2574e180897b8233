import { IngestError } from '../../shared/domain/ingest';
import { normalizeDelivery } from '../../shared/domain/normalize';
import { delivery } from '../support/shared-data';

/** Shopify topics other than orders: refunds, customers, checkouts, privacy, and those not ingested. */
const opts = { defaultPhoneRegion: 'US' };
const run = (topic: string, body: string | object) => normalizeDelivery(delivery('shopify', topic, body), opts);
const fails = (topic: string, body: string | object): { reason: string; field?: string } => {
  try {
    run(topic, body);
  } catch (e) {
    if (e instanceof IngestError) return { reason: e.reason, field: e.field };
    throw e;
  }
  throw new Error('did not throw');
};

describe('shopify refunds/create', () => {
  const refund = {
    id: 929361462,
    order_id: 9223372036854775807n.toString(),
    created_at: '2024-05-01T10:00:00-04:00',
    processed_at: '2024-05-01T10:00:05-04:00',
    restock: true,
    refund_line_items: [{ id: 1, quantity: 1, line_item_id: 2, subtotal: '195.67', total_tax: '3.98' }],
    transactions: [
      { id: 3, kind: 'refund', status: 'success', amount: '41.94', currency: 'USD', gateway: 'bogus' },
      { id: 4, kind: 'refund', status: 'success', amount: '8.06', currency: 'USD', gateway: 'gift_card' },
      { id: 5, kind: 'refund', status: 'failure', amount: '100.00', currency: 'USD', gateway: 'bogus' },
    ],
  };
  const body = JSON.stringify(refund).replace('"9223372036854775807"', '9223372036854775807');

  it('sums the successful refund transactions and points at its order by id', () => {
    expect(run('refunds/create', body)).toEqual([
      { type: 'refund', platform: 'shopify', store: 'example.myshopify.com', orderId: '9223372036854775807', refundId: '929361462', amountMinor: 5000, currency: 'USD', occurredAt: '2024-05-01T14:00:05.000Z' },
    ]);
  });

  it('falls back to the refunded lines in shop money when no transaction was made', () => {
    const set = (amount: string) => ({ shop_money: { amount, currency_code: 'USD' } });
    const lines = [{ subtotal: 195.67, total_tax: 3.98, subtotal_set: set('195.67'), total_tax_set: set('3.98') }];
    const [item] = run('refunds/create', { ...refund, transactions: [], refund_line_items: lines });
    expect(item).toMatchObject({ type: 'refund', amountMinor: 19965, currency: 'USD' });
  });

  it('values a refund paid in the presentment currency in the shop currency its lines name', () => {
    const set = (amount: string) => ({ shop_money: { amount, currency_code: 'AUD' }, presentment_money: { amount: '1.00', currency_code: 'USD' } });
    const lines = [{ subtotal: '44.95', total_tax: '4.50', subtotal_set: set('44.95'), total_tax_set: set('4.50') }];
    const [item] = run('refunds/create', { ...refund, refund_line_items: lines });
    expect(item).toMatchObject({ type: 'refund', amountMinor: 4945, currency: 'AUD' });
  });

  it('ignores a refund that moved no money (pending, or restock only)', () => {
    expect(run('refunds/create', { ...refund, transactions: [{ kind: 'refund', status: 'pending', amount: '5.00', currency: 'USD' }] })[0]?.type).toBe('ignored');
    expect(run('refunds/create', { ...refund, transactions: [], refund_line_items: [] })[0]?.type).toBe('ignored');
  });

  it('needs the order id', () => {
    expect(fails('refunds/create', { ...refund, order_id: null })).toEqual({ field: 'order_id', reason: 'is required' });
  });
});

describe('shopify customers', () => {
  const customer = '{"id":706405506930370084,"email":" Bob.Norman@Example.com","phone":"+16136120707","first_name":"Bob","last_name":"Norman",' +
    '"created_at":"2024-01-01T10:00:00-05:00","updated_at":"2024-01-02T10:00:00-05:00","email_marketing_consent":{"state":"subscribed","opt_in_level":"single_opt_in"},' +
    '"default_address":{"city":"Ottawa","country_code":"CA","phone":"555-625-1199"},"addresses":[]}';

  it.each(['customers/create', 'customers/update'])('%s → customer', (topic) => {
    expect(run(topic, customer)).toEqual([
      {
        type: 'customer',
        identity: {
          platform: 'shopify',
          store: 'example.myshopify.com',
          sourceChannel: 'shopify',
          platformCustomerId: '706405506930370084',
          email: 'bob.norman@example.com',
          phone: '+16136120707',
          name: 'Bob Norman',
          city: 'Ottawa',
          country: 'CA',
          acceptsMarketing: true,
        },
        occurredAt: '2024-01-02T15:00:00.000Z',
      },
    ]);
  });

  it.each([
    [{ state: 'unsubscribed' }, undefined, false],
    [{ state: 'not_subscribed' }, true, false],
    [{ state: 'pending' }, true, true],
    [null, false, false],
    [null, null, undefined],
  ])('consent %j with accepts_marketing %p → %p', (consent, legacy, expected) => {
    const body = { ...JSON.parse(customer), email_marketing_consent: consent, accepts_marketing: legacy };
    const [item] = run('customers/update', body);
    expect(item?.type === 'customer' && item.identity.acceptsMarketing).toBe(expected);
  });
});

describe('shopify checkouts', () => {
  const checkout = {
    id: '981820079255243537',
    token: '123123123',
    email: 'example@email.com',
    created_at: '2024-05-01T10:00:00-04:00',
    updated_at: '2024-05-01T10:05:00-04:00',
    completed_at: null,
    currency: 'USD',
    total_price: '421.88',
    buyer_accepts_marketing: false,
    shipping_address: [],
    billing_address: { first_name: 'Bob', last_name: 'Biller', phone: '555-555-BILL', city: 'Billtown', country_code: 'US' },
    line_items: [{ product_id: 632910392, title: 'IPod Nano - 8GB', quantity: 2, sku: 'IPOD2008PINK', price: '199.00' }],
    customer: null,
  };
  const text = JSON.stringify(checkout).replace('"981820079255243537"', '981820079255243537');

  it.each(['checkouts/create', 'checkouts/update'])('%s → checkout', (topic) => {
    expect(run(topic, text)).toEqual([
      {
        type: 'checkout',
        platform: 'shopify',
        store: 'example.myshopify.com',
        checkoutId: '981820079255243537',
        identity: { platform: 'shopify', store: 'example.myshopify.com', sourceChannel: 'shopify', email: 'example@email.com', name: 'Bob Biller', city: 'Billtown', country: 'US', acceptsMarketing: false },
        currency: 'USD',
        totalMinor: 42188,
        lines: [{ sku: 'IPOD2008PINK', productId: '632910392', product: 'IPod Nano - 8GB', quantity: 2, unitPriceMinor: 19900 }],
        occurredAt: '2024-05-01T14:00:00.000Z',
        updatedAt: '2024-05-01T14:05:00.000Z',
      },
    ]);
  });

  it('names the order a completed checkout became, when the payload says', () => {
    const [done] = run('checkouts/update', { ...checkout, completed_at: '2024-05-01T10:06:00-04:00', order_id: 450789469 });
    expect(done).toMatchObject({ type: 'checkout', completedOrderId: '450789469' });
    const [noOrder] = run('checkouts/update', { ...checkout, completed_at: '2024-05-01T10:06:00-04:00' });
    expect(noOrder).not.toHaveProperty('completedOrderId');
    const [open] = run('checkouts/update', { ...checkout, order_id: 450789469 });
    expect(open).not.toHaveProperty('completedOrderId');
  });
});

describe('shopify privacy topics', () => {
  const received = '2025-01-15T00:00:00.000Z';
  const customer = { id: 191167, email: 'John@Example.com', phone: '555-625-1199' };

  it('customers/redact and customers/data_request name the customer; the unparseable phone is dropped', () => {
    const identity = { platform: 'shopify', store: 'example.myshopify.com', sourceChannel: 'shopify', platformCustomerId: '191167', email: 'john@example.com' };
    expect(run('customers/redact', { shop_id: 954889, shop_domain: 'example.myshopify.com', customer, orders_to_redact: [299938, 280263] })).toEqual([
      { type: 'privacy', request: 'customer_redact', platform: 'shopify', store: 'example.myshopify.com', identity, occurredAt: received },
    ]);
    expect(run('customers/data_request', { shop_id: 954889, shop_domain: 'example.myshopify.com', customer, orders_requested: [299938], data_request: { id: 9999 } })).toEqual([
      { type: 'privacy', request: 'data_request', platform: 'shopify', store: 'example.myshopify.com', identity, occurredAt: received },
    ]);
  });

  it('shop/redact is about the whole shop', () => {
    expect(run('shop/redact', { shop_id: 954889, shop_domain: 'example.myshopify.com' })).toEqual([
      { type: 'privacy', request: 'shop_redact', platform: 'shopify', store: 'example.myshopify.com', occurredAt: received },
    ]);
  });
});

describe('shopify topics not ingested', () => {
  it.each(['products/update', 'orders/fulfilled', 'orders/delete', 'customers/delete', 'app/uninstalled', 'checkouts/delete', ''])('%p is ignored without reading the body', (topic) => {
    const [item] = run(topic, 'not json at all');
    expect(item).toEqual({ type: 'ignored', reason: expect.stringContaining('is not ingested') });
  });
});
