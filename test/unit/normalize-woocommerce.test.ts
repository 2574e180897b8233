import { IngestError, type NormalizedOrder } from '../../shared/domain/ingest';
import { normalizeDelivery } from '../../shared/domain/normalize';
import { delivery } from '../support/shared-data';

/** WooCommerce webhook bodies, written after the order and customer JSON of Woo's REST API v3 docs. */
const opts = { defaultPhoneRegion: 'US' };
const run = (topic: string, body: string | object) => normalizeDelivery(delivery('woocommerce', topic, body), opts);
const store = 'https://shop.example.com';

const address = {
  first_name: 'John',
  last_name: 'Doe',
  company: '',
  address_1: '969 Market',
  address_2: '',
  city: 'San Francisco',
  state: 'CA',
  postcode: '94103',
  country: 'US',
};
const order = {
  id: 727,
  parent_id: 0,
  number: '727',
  order_key: 'wc_order_58d2d042d1d',
  created_via: 'checkout',
  version: '8.9.1',
  status: 'processing',
  currency: 'USD',
  date_created: '2017-03-22T16:28:02',
  date_created_gmt: '2017-03-22T19:28:02',
  date_modified: '2017-03-22T16:28:08',
  date_modified_gmt: '2017-03-22T19:28:08',
  discount_total: '2.00',
  discount_tax: '0.00',
  shipping_total: '10.00',
  shipping_tax: '0.00',
  cart_tax: '1.35',
  total: '27.35',
  total_tax: '1.35',
  prices_include_tax: false,
  customer_id: 26,
  customer_ip_address: '203.0.113.9',
  customer_user_agent: 'curl/7.47.0',
  customer_note: '',
  billing: { ...address, email: 'John.Doe@Example.com', phone: '(415) 555-2671' },
  shipping: { ...address, phone: '' },
  payment_method: 'bacs',
  payment_method_title: 'Direct Bank Transfer',
  transaction_id: '',
  date_paid: '2017-03-22T16:28:08',
  date_paid_gmt: '2017-03-22T19:28:08',
  date_completed: null,
  date_completed_gmt: null,
  cart_hash: '',
  meta_data: [{ id: 13106, key: '_download_permissions_granted', value: 'yes' }],
  line_items: [
    { id: 315, name: 'Woo Single #1', product_id: 93, variation_id: 0, quantity: 2, tax_class: '', subtotal: '6.00', subtotal_tax: '0.45', total: '6.00', total_tax: '0.45', taxes: [], meta_data: [], sku: '', price: 3 },
    { id: 316, name: 'Ship Your Idea – Color: Black, Size: M', product_id: 22, variation_id: 23, quantity: 3, tax_class: '', subtotal: '12.00', subtotal_tax: '0.90', total: '10.00', total_tax: '0.90', taxes: [], meta_data: [], sku: 'SYI-BLK-M', price: 3.3333333333 },
  ],
  tax_lines: [{ id: 318, rate_code: 'US-CA-STATE TAX', rate_id: 75, label: 'State Tax', compound: false, tax_total: '1.35', shipping_tax_total: '0.00', meta_data: [] }],
  shipping_lines: [{ id: 317, method_title: 'Flat Rate', method_id: 'flat_rate', total: '10.00', total_tax: '0.00', taxes: [], meta_data: [] }],
  fee_lines: [],
  coupon_lines: [{ id: 319, code: 'save2', discount: '2.00', discount_tax: '0.00', meta_data: [] }],
  refunds: [],
};

const orderOf = (topic: string, body: object): NormalizedOrder => {
  const [item] = run(topic, body);
  if (item?.type !== 'order') throw new Error(`expected an order, got ${item?.type}`);
  return item.order;
};

describe('woocommerce orders', () => {
  it.each(['order.created', 'order.updated'])('%s → order', (topic) => {
    expect(orderOf(topic, order)).toEqual({
      platform: 'woocommerce',
      store,
      orderId: '727',
      orderNumber: '727',
      identity: {
        platform: 'woocommerce',
        store,
        sourceChannel: 'woocommerce',
        platformCustomerId: '26',
        email: 'john.doe@example.com',
        phone: '+14155552671',
        name: 'John Doe',
        city: 'San Francisco',
        country: 'US',
      },
      placedAt: '2017-03-22T19:28:02.000Z',
      updatedAt: '2017-03-22T19:28:08.000Z',
      status: 'paid',
      currency: 'USD',
      totalMinor: 2735,
      subtotalMinor: 1800,
      discountMinor: 200,
      taxMinor: 135,
      shippingMinor: 1000,
      refundedMinor: 0,
      lines: [
        { productId: '93', product: 'Woo Single #1', quantity: 2, unitPriceMinor: 300 },
        { sku: 'SYI-BLK-M', productId: '22', product: 'Ship Your Idea – Color: Black, Size: M', quantity: 3, unitPriceMinor: 400 },
      ],
      discountCodes: ['save2'],
      channel: 'web',
    });
  });

  it.each([
    ['pending', 'pending'],
    ['on-hold', 'pending'],
    ['checkout-draft', 'pending'],
    ['processing', 'paid'],
    ['completed', 'fulfilled'],
    ['cancelled', 'cancelled'],
    ['failed', 'cancelled'],
    ['refunded', 'refunded'],
  ])('status %s → %s', (status, expected) => {
    expect(orderOf('order.updated', { ...order, status }).status).toBe(expected);
  });

  it('reads a plugin status as paid when Woo recorded a payment, else pending', () => {
    expect(orderOf('order.updated', { ...order, status: 'shipped' }).status).toBe('paid');
    expect(orderOf('order.updated', { ...order, status: 'awaiting-deposit', date_paid_gmt: null }).status).toBe('pending');
  });

  it('sums the negative refund totals into refundedMinor', () => {
    const refunds = [
      { id: 730, reason: 'damaged', total: '-5.00' },
      { id: 731, reason: '', total: '-0.35' },
    ];
    const partial = orderOf('order.updated', { ...order, status: 'completed', refunds });
    expect([partial.refundedMinor, partial.status]).toEqual([535, 'partially_refunded']);
    expect(orderOf('order.updated', { ...order, status: 'refunded', refunds: [{ id: 732, total: '-27.35' }] }).refundedMinor).toBe(2735);
  });

  it('normalizes a guest order (customer_id 0) with the billing contact only', () => {
    const o = orderOf('order.created', { ...order, customer_id: 0, created_via: 'admin', billing: { ...order.billing, phone: '' } });
    expect(o.identity).toEqual({ platform: 'woocommerce', store, sourceChannel: 'woocommerce', email: 'john.doe@example.com', name: 'John Doe', city: 'San Francisco', country: 'US' });
    expect(o.channel).toBe('admin');
  });

  it('keeps every digit of a 64-bit id', () => {
    const text = JSON.stringify(order).replace('"id":727', '"id":18446744073709551615');
    const [item] = run('order.created', text);
    expect(item?.type === 'order' && item.order.orderId).toBe('18446744073709551615');
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['an unknown currency', { currency: 'ABC' }, 'currency', '"ABC" is not an ISO 4217 currency code'],
    ['a bad total', { total: '27.3.5' }, 'total', 'must be a decimal amount such as "12.34", got "27.3.5"'],
    ['a bad line subtotal', { line_items: [{ name: 'x', quantity: 1, subtotal: '1.001' }] }, 'line_items.0.subtotal', 'has more decimals than USD allows (2)'],
    ['no creation time', { date_created_gmt: null }, 'date_created_gmt', 'is required'],
    ['an impossible date', { date_created_gmt: '2017-02-30T19:28:02' }, 'date_created_gmt', 'is not a valid date-time'],
    ['a missing status', { status: undefined }, 'status', 'is required'],
  ])('refuses %s, naming the field', (_, patch, field, reason) => {
    let caught: unknown;
    try {
      run('order.updated', { ...order, ...patch });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(IngestError);
    expect({ field: (caught as IngestError).field, reason: (caught as IngestError).reason }).toEqual({ field, reason });
  });
});

describe('woocommerce customers', () => {
  const customer = {
    id: 25,
    date_created: '2017-03-21T16:09:28',
    date_created_gmt: '2017-03-21T19:09:28',
    date_modified: '2017-03-21T16:09:30',
    date_modified_gmt: '2017-03-21T19:09:30',
    email: 'john.doe@example.com',
    first_name: 'John',
    last_name: 'Doe',
    role: 'customer',
    username: 'john.doe',
    billing: { ...address, email: 'john.doe@example.com', phone: '020 7946 0958', country: 'GB', city: 'London' },
    shipping: address,
    is_paying_customer: false,
    avatar_url: 'https://secure.gravatar.com/avatar/8eb1b522f60d11fa897de1dc6351b7e8?s=96',
    meta_data: [],
  };

  it.each(['customer.created', 'customer.updated'])('%s → customer', (topic) => {
    expect(run(topic, customer)).toEqual([
      {
        type: 'customer',
        identity: {
          platform: 'woocommerce',
          store,
          sourceChannel: 'woocommerce',
          platformCustomerId: '25',
          email: 'john.doe@example.com',
          phone: '+442079460958', // read in the billing country
          name: 'John Doe',
          city: 'London',
          country: 'GB',
        },
        occurredAt: '2017-03-21T19:09:30.000Z',
      },
    ]);
  });

  it('falls back to the creation time, then to the delivery time', () => {
    expect(run('customer.created', { ...customer, date_modified_gmt: null })[0]).toMatchObject({ occurredAt: '2017-03-21T19:09:28.000Z' });
    expect(run('customer.created', { ...customer, date_modified_gmt: null, date_created_gmt: null })[0]).toMatchObject({ occurredAt: '2025-01-15T00:00:00.000Z' });
  });
});

describe('woocommerce topics not ingested', () => {
  it.each(['order.deleted', 'order.restored', 'product.updated', 'coupon.created', 'action.woocommerce_add_to_cart', ''])('%p is ignored', (topic) => {
    expect(run(topic, 'webhook_id=12')).toEqual([{ type: 'ignored', reason: expect.stringContaining('is not ingested') }]);
  });
});
