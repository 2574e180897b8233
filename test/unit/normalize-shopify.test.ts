import { IngestError, type IngestItem, type NormalizedOrder } from '../../shared/domain/ingest';
import { normalizeDelivery } from '../../shared/domain/normalize';
import { delivery, readFixture } from '../support/shared-data';

/** Shopify webhook bodies → items: the real orders/create fixture and payloads shaped like Shopify's samples. */
const opts = { defaultPhoneRegion: 'US' };
const fixtureText = readFixture('shopify', 'orders-create.json');
const fixture = () => JSON.parse(fixtureText) as Record<string, unknown> & { customer: Record<string, unknown> };
const run = (topic: string, body: string | object) => normalizeDelivery(delivery('shopify', topic, body), opts);
const orderOf = (items: IngestItem[]): NormalizedOrder => {
  expect(items).toHaveLength(1);
  const [item] = items;
  if (item?.type !== 'order') throw new Error(`expected an order, got ${item?.type}`);
  return item.order;
};
const fails = (topic: string, body: string | object): { reason: string; field?: string } => {
  try {
    run(topic, body);
  } catch (e) {
    if (e instanceof IngestError) return { reason: e.reason, field: e.field };
    throw e;
  }
  throw new Error('did not throw');
};

describe('shopify orders', () => {
  it('normalizes the real orders/create body', () => {
    expect(orderOf(run('orders/create', fixtureText))).toEqual({
      platform: 'shopify',
      store: 'example.myshopify.com',
      orderId: '2998557704341',
      orderNumber: '#1030',
      identity: {
        platform: 'shopify',
        store: 'example.myshopify.com',
        platformCustomerId: '4206822293653',
        email: 'ryan.w@example.com',
        name: 'Ryan Walden',
        city: 'Canberra',
        country: 'AU',
        sourceChannel: 'shopify',
        acceptsMarketing: false,
      },
      placedAt: '2020-12-26T21:23:58.000Z',
      updatedAt: '2020-12-26T21:23:59.000Z',
      status: 'paid',
      currency: 'AUD',
      totalMinor: 5945,
      subtotalMinor: 4495,
      discountMinor: 0,
      taxMinor: 450,
      shippingMinor: 1000,
      refundedMinor: 0,
      lines: [{ productId: '6122640146581', product: 'Classic Fountain Pen', quantity: 1, unitPriceMinor: 4495 }],
      discountCodes: [],
      channel: 'web',
      checkoutId: '16026339803285',
    });
  });

  it('keeps every digit of ids beyond 2^53', () => {
    const text = fixtureText
      .replace('"id": 2998557704341', '"id": 9223372036854775807')
      .replace('"id": 4206822293653', '"id": 9007199254740993')
      .replace('"product_id": 6122640146581', '"product_id": 18014398509481985')
      .replace('"checkout_id": 16026339803285', '"checkout_id": 981820079255243537');
    const o = orderOf(run('orders/updated', text));
    expect([o.orderId, o.identity.platformCustomerId, o.lines[0]?.productId, o.checkoutId]).toEqual([
      '9223372036854775807',
      '9007199254740993',
      '18014398509481985',
      '981820079255243537',
    ]);
  });

  it.each<[string, Record<string, unknown>, NormalizedOrder['status']]>([
    ['orders/paid', { financial_status: 'paid' }, 'paid'],
    ['orders/updated', { financial_status: 'paid', fulfillment_status: 'fulfilled' }, 'fulfilled'],
    ['orders/create', { financial_status: 'pending' }, 'pending'],
    ['orders/create', { financial_status: 'authorized' }, 'pending'],
    ['orders/create', { financial_status: null }, 'pending'],
    ['orders/cancelled', { cancelled_at: '2020-12-28T10:00:00+11:00', financial_status: 'refunded' }, 'cancelled'],
    ['orders/updated', { financial_status: 'voided' }, 'cancelled'],
    ['orders/updated', { financial_status: 'refunded' }, 'refunded'],
    ['orders/updated', { financial_status: 'partially_refunded' }, 'partially_refunded'],
  ])('%s with %j is %s', (topic, patch, status) => {
    expect(orderOf(run(topic, { ...fixture(), ...patch })).status).toBe(status);
  });

  it('sums successful refund transactions into refundedMinor', () => {
    const refunds = [
      { id: 1, transactions: [{ kind: 'refund', status: 'success', amount: '20.00', currency: 'AUD' }, { kind: 'refund', status: 'failure', amount: '5.00', currency: 'AUD' }] },
      { id: 2, transactions: [{ kind: 'refund', status: 'success', amount: '0.45', currency: 'AUD' }] },
      { id: 3, transactions: [{ kind: 'refund', status: 'pending', amount: '9.00', currency: 'AUD' }], refund_line_items: [{ subtotal: '9.00' }] },
    ];
    const o = orderOf(run('orders/updated', { ...fixture(), financial_status: null, refunds }));
    expect(o.refundedMinor).toBe(2045);
    expect(o.status).toBe('partially_refunded');
    const all = orderOf(run('orders/updated', { ...fixture(), financial_status: null, refunds: [{ id: 1, transactions: [{ kind: 'refund', status: 'success', amount: '59.45', currency: 'AUD' }] }] }));
    expect(all.status).toBe('refunded');
  });

  it('values a refund paid in another currency by its refunded lines in shop money', () => {
    const money = (amount: string) => ({ shop_money: { amount, currency_code: 'AUD' }, presentment_money: { amount: '1', currency_code: 'USD' } });
    const refunds = [
      {
        id: 1,
        transactions: [{ kind: 'refund', status: 'success', amount: '30.00', currency: 'USD' }],
        refund_line_items: [{ subtotal: '44.95', total_tax: '4.50', subtotal_set: money('44.95'), total_tax_set: money('4.50') }],
      },
    ];
    expect(orderOf(run('orders/updated', { ...fixture(), refunds })).refundedMinor).toBe(4945);
  });

  it('reads identity from the order when there is no customer, and normalizes without any identity', () => {
    const billing = { first_name: 'Mia', last_name: 'Chen', phone: '0412 345 678', city: 'Sydney', country_code: 'AU' };
    const guest = { ...fixture(), customer: null, email: ' Guest@Example.COM ', phone: null, billing_address: billing };
    expect(orderOf(run('orders/create', guest)).identity).toEqual({
      platform: 'shopify',
      store: 'example.myshopify.com',
      sourceChannel: 'shopify',
      email: 'guest@example.com',
      phone: '+61412345678', // read in the address's country, not the default region
      name: 'Mia Chen',
      city: 'Sydney',
      country: 'AU',
      acceptsMarketing: false,
    });
    const nobody = { ...fixture(), customer: null, email: null, contact_email: null, billing_address: null, shipping_address: null, buyer_accepts_marketing: null };
    expect(orderOf(run('orders/create', nobody)).identity).toEqual({ platform: 'shopify', store: 'example.myshopify.com', sourceChannel: 'shopify' });
  });

  it('drops a phone that does not parse instead of failing the order', () => {
    const o = orderOf(run('orders/create', { ...fixture(), customer: { ...fixture().customer, phone: '12' } }));
    expect(o.identity.phone).toBeUndefined();
    const us = orderOf(run('orders/create', { ...fixture(), customer: { ...fixture().customer, phone: '(415) 555-2671', default_address: null } }));
    expect(us.identity.phone).toBe('+14155552671');
  });

  it('takes shipping from shipping_lines when the price set is absent, and lists discount codes and categories', () => {
    const f = fixture();
    const line = (f.line_items as Record<string, unknown>[])[0];
    const o = orderOf(
      run('orders/create', {
        ...f,
        total_shipping_price_set: undefined,
        shipping_lines: [{ price: '10.00' }, { price: '2.50' }],
        discount_codes: [{ code: 'WELCOME10', amount: '4.50', type: 'percentage' }],
        line_items: [{ ...line, sku: 'KAW-CL-FB', product_type: 'Pens', quantity: 3 }],
        source_name: 'pos',
      }),
    );
    expect(o.shippingMinor).toBe(1250);
    expect(o.discountCodes).toEqual(['WELCOME10']);
    expect(o.lines).toEqual([{ sku: 'KAW-CL-FB', productId: '6122640146581', product: 'Classic Fountain Pen', category: 'Pens', quantity: 3, unitPriceMinor: 4495 }]);
    expect(o.channel).toBe('pos');
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['an unknown currency', { currency: 'XYZ' }, 'currency', '"XYZ" is not an ISO 4217 currency code'],
    ['too many decimals', { total_price: '59.455' }, 'total_price', 'has more decimals than AUD allows (2)'],
    ['a non-numeric amount', { total_tax: 'four fifty' }, 'total_tax', 'must be a decimal amount such as "12.34", got "four fifty"'],
    ['a negative amount', { subtotal_price: '-1.00' }, 'subtotal_price', 'must not be negative'],
    ['a missing id', { id: undefined }, 'id', 'is required'],
    ['a missing currency', { currency: undefined }, 'currency', 'is required'],
    ['a bad line quantity', { line_items: [{ title: 'x', quantity: 1.5, price: '1.00' }] }, 'line_items.0.quantity', 'must be an integer'],
    ['a negative line quantity', { line_items: [{ title: 'x', quantity: -1, price: '1.00' }] }, 'line_items.0.quantity', 'must be at least 0'],
    ['a bad line price', { line_items: [{ title: 'x', quantity: 1, price: '1.001' }] }, 'line_items.0.price', 'has more decimals than AUD allows (2)'],
    ['no creation time', { created_at: null, processed_at: null }, 'created_at', 'is required'],
    ['a time without offset', { updated_at: '2020-12-27T08:23:59' }, 'updated_at', 'must have a time-zone offset'],
    ['an impossible date', { created_at: '2021-02-29T08:23:59+11:00' }, 'created_at', 'is not a valid date-time'],
  ])('refuses %s, naming the field', (_, patch, field, reason) => {
    expect(fails('orders/create', { ...fixture(), ...patch })).toEqual({ field, reason });
  });

  it('refuses malformed JSON', () => {
    expect(fails('orders/create', fixtureText.slice(0, 500))).toEqual({ reason: 'malformed JSON', field: undefined });
  });
});
