import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IngestError } from '../../shared/domain/ingest';
import { normalizeDelivery } from '../../shared/domain/normalize';
import { GENERIC_TYPES } from '../../shared/domain/normalize/generic-schema';
import { delivery } from '../support/shared-data';

/** The generic webhook: docs/generic-webhook.md examples, each type's mapping, and field-naming errors. */
const opts = { defaultPhoneRegion: 'CN' };
const run = (body: string | object, receivedAt = '2024-06-01T00:00:00.000Z') => normalizeDelivery(delivery('generic', 'generic', body, { receivedAt }), opts);
const fails = (body: object, receivedAt?: string): { field?: string; reason: string } => {
  try {
    run(body, receivedAt);
  } catch (e) {
    if (e instanceof IngestError) return { field: e.field, reason: e.reason };
    throw e;
  }
  throw new Error('did not throw');
};

const docs = readFileSync(join(__dirname, '..', '..', 'docs', 'generic-webhook.md'), 'utf8');
const examples = [...docs.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] ?? '') as { type: string });

const order = {
  id: 'evt-1',
  type: 'order.upsert',
  occurredAt: '2024-05-01T10:05:00+08:00',
  data: {
    orderId: 'SO-1',
    customer: { id: 'u-1', email: 'A@Example.com', phone: '+86 138-1234-5678' },
    placedAt: '2024-05-01T10:04:31+08:00',
    status: 'paid',
    currency: 'CNY',
    total: '307.00',
    lines: [{ product: 'Tea', quantity: 2, unitPrice: 149 }],
  },
};
const withData = (patch: Record<string, unknown>, env: Record<string, unknown> = {}) => ({ ...order, ...env, data: { ...order.data, ...patch } });

describe('generic webhook examples in docs/generic-webhook.md', () => {
  it('has one example per type', () => {
    expect(examples.map((e) => e.type).sort()).toEqual([...GENERIC_TYPES].sort());
  });

  const itemType: Record<string, string> = {
    'customer.upsert': 'customer',
    'order.upsert': 'order',
    'order.cancelled': 'order',
    'refund.created': 'refund',
    'checkout.upsert': 'checkout',
    behaviour: 'behaviour',
    'aftersales.request': 'aftersales',
  };
  it.each(examples.map((e) => [e.type, e] as const))('the %s example normalizes', (type, example) => {
    const items = run(example);
    expect(items.map((i) => i.type)).toEqual([itemType[type]]);
    const [item] = items;
    if (item?.type === 'order' && type === 'order.upsert') {
      const o = item.order;
      expect(o.totalMinor).toBe(o.subtotalMinor - o.discountMinor + o.taxMinor + o.shippingMinor); // the example adds up
      expect(o.identity.email).toBe('fang.wang@example.com');
    }
    if (item?.type === 'customer') expect(item.identity.phone).toBe('+8613812345678');
  });
});

describe('generic webhook mapping', () => {
  it('order.upsert → order in minor units, with a subtotal from the lines by default', () => {
    expect(run(order)).toEqual([
      {
        type: 'order',
        order: {
          platform: 'generic',
          store: 'erp',
          orderId: 'SO-1',
          identity: { platform: 'generic', store: 'erp', sourceChannel: 'generic', platformCustomerId: 'u-1', email: 'a@example.com', phone: '+8613812345678' },
          placedAt: '2024-05-01T02:04:31.000Z',
          updatedAt: '2024-05-01T02:05:00.000Z',
          status: 'paid',
          currency: 'CNY',
          totalMinor: 30700,
          subtotalMinor: 29800,
          discountMinor: 0,
          taxMinor: 0,
          shippingMinor: 0,
          refundedMinor: 0,
          lines: [{ product: 'Tea', quantity: 2, unitPriceMinor: 14900 }],
          discountCodes: [],
          channel: 'web',
        },
      },
    ]);
  });

  it('order.cancelled → the order with status cancelled; a platform and store say whose order it is', () => {
    const [item] = run({ ...withData({ status: undefined, platform: 'erp-eu', store: 'berlin', currency: 'KWD', total: '1.250' }), type: 'order.cancelled' });
    expect(item).toMatchObject({ type: 'order', order: { status: 'cancelled', platform: 'erp-eu', store: 'berlin', totalMinor: 1250, identity: { platform: 'erp-eu', store: 'berlin' } } });
  });

  it('an order without a customer keeps an identity with only platform and store', () => {
    const [item] = run(withData({ customer: undefined }));
    expect(item?.type === 'order' && item.order.identity).toEqual({ platform: 'generic', store: 'erp', sourceChannel: 'generic' });
  });

  it('refund.created → refund naming its order', () => {
    expect(run({ id: 'e', type: 'refund.created', occurredAt: '2024-05-03T11:00:00Z', data: { refundId: 'RF-1', orderId: 'SO-1', amount: 0.5, currency: 'USD', createdAt: '2024-05-03T10:59:00Z' } })).toEqual([
      { type: 'refund', platform: 'generic', store: 'erp', orderId: 'SO-1', refundId: 'RF-1', amountMinor: 50, currency: 'USD', occurredAt: '2024-05-03T10:59:00.000Z' },
    ]);
  });

  it('checkout.upsert → checkout, completed when it names its order', () => {
    const [item] = run({ id: 'e', type: 'checkout.upsert', occurredAt: '2024-05-01T10:00:00Z', data: { checkoutId: 'co-1', currency: 'JPY', total: '1200', completedOrderId: 'SO-1' } });
    expect(item).toEqual({
      type: 'checkout',
      platform: 'generic',
      store: 'erp',
      checkoutId: 'co-1',
      identity: { platform: 'generic', store: 'erp', sourceChannel: 'generic' },
      currency: 'JPY',
      totalMinor: 1200,
      lines: [],
      occurredAt: '2024-05-01T10:00:00.000Z',
      updatedAt: '2024-05-01T10:00:00.000Z',
      completedOrderId: 'SO-1',
    });
  });

  it('behaviour and customer.upsert carry the customer', () => {
    const customer = { id: 'u-1', name: 'Fang', country: 'CN', acceptsMarketing: false, sourceChannel: 'wechat-mini' };
    const identity = { platform: 'generic', store: 'erp', platformCustomerId: 'u-1', name: 'Fang', country: 'CN', acceptsMarketing: false, sourceChannel: 'wechat-mini' };
    expect(run({ id: 'e', type: 'customer.upsert', occurredAt: '2024-05-01T10:00:00Z', data: { customer } })).toEqual([{ type: 'customer', identity, occurredAt: '2024-05-01T10:00:00.000Z' }]);
    expect(run({ id: 'e', type: 'behaviour', occurredAt: '2024-05-01T10:00:00Z', data: { customer, action: 'add_to_cart', category: 'Tea' } })).toEqual([
      { type: 'behaviour', identity, action: 'add_to_cart', category: 'Tea', occurredAt: '2024-05-01T10:00:00.000Z' },
    ]);
  });
});

describe('generic webhook validation names the field', () => {
  it.each<[string, object, string, string]>([
    ['an unknown field', withData({ totl: '1.00' }), 'data.totl', 'is not a known field'],
    ['an unknown line field', withData({ lines: [{ product: 'Tea', quantity: 1, unitPrice: '1', colour: 'red' }] }), 'data.lines.0.colour', 'is not a known field'],
    ['a missing total', withData({ total: undefined }), 'data.total', 'is required'],
    ['a missing line price', withData({ lines: [{ product: 'Tea', quantity: 1 }] }), 'data.lines.0.unitPrice', 'is required'],
    ['an unknown currency', withData({ currency: 'XYZ' }), 'data.currency', 'is not an ISO 4217 currency code'],
    ['a lower-case currency', withData({ currency: 'usd' }), 'data.currency', 'must be an upper-case ISO 4217 code such as USD'],
    ['a bad amount', withData({ total: '30 yuan' }), 'data.total', 'must be a decimal amount such as "12.34", got "30 yuan"'],
    ['too many decimals', withData({ total: '307.001' }), 'data.total', 'has more decimals than CNY allows (2)'],
    ['too many decimals for JPY', withData({ currency: 'JPY', total: '307.5', lines: [] }), 'data.total', 'has more decimals than JPY allows (0)'],
    ['a negative amount', withData({ discount: '-1.00' }), 'data.discount', 'must not be negative'],
    ['a boolean amount', withData({ tax: true }), 'data.tax', 'must be a decimal string such as "12.34" or a number, in major units'],
    ['a fractional quantity', withData({ lines: [{ product: 'Tea', quantity: 1.5, unitPrice: '1' }] }), 'data.lines.0.quantity', 'must be an integer'],
    ['a bad status', withData({ status: 'shipped' }), 'data.status', 'must be one of "pending", "paid", "fulfilled", "cancelled", "refunded", "partially_refunded"'],
    ['a time without offset', withData({ placedAt: '2024-05-01T10:04:31' }), 'data.placedAt', 'must be an ISO-8601 date-time with a time-zone offset, e.g. 2024-05-01T10:00:00+08:00'],
    ['an impossible date', withData({ placedAt: '2023-02-29T10:04:31Z' }), 'data.placedAt', 'must be an ISO-8601 date-time with a time-zone offset, e.g. 2024-05-01T10:00:00+08:00'],
    ['a date before 1990', withData({ placedAt: '1989-12-31T23:59:59Z' }), 'data.placedAt', 'must not be before 1990-01-01'],
    ['a date more than a day after occurredAt', withData({ updatedAt: '2024-05-03T10:05:00+08:00' }), 'data.updatedAt', 'must not be more than 1 day after occurredAt'],
    ['a customer without id, email or phone', withData({ customer: { name: 'Fang' } }), 'data.customer', 'must have at least one of id, email or phone'],
    ['a bad email', withData({ customer: { email: 'fang@' } }), 'data.customer.email', 'is not a valid email address'],
    ['a bad phone', withData({ customer: { phone: '12345' } }), 'data.customer.phone', 'is not a valid phone number (read with default region CN)'],
    ['a bad country', withData({ customer: { id: 'u', country: 'China' } }), 'data.customer.country', 'must be an ISO 3166-1 alpha-2 code such as CN or US'],
    ['a reserved platform', withData({ platform: 'shopify' }), 'data.platform', 'shopify and woocommerce data come through their own webhooks'],
    ['an id with spaces', withData({ orderId: 'SO 1' }), 'data.orderId', 'must be 1-128 printable ASCII characters without spaces'],
    ['an empty product', withData({ lines: [{ product: ' ', quantity: 1, unitPrice: '1' }] }), 'data.lines.0.product', 'must not be empty'],
    ['an unknown type', { ...order, type: 'order.deleted' }, 'type', 'must be one of "customer.upsert", "order.upsert", "order.cancelled", "refund.created", "checkout.upsert", "behaviour", "aftersales.request"'],
    ['a missing data', { ...order, data: undefined }, 'data', 'is required'],
    ['data that is not an object', { ...order, data: [1] }, 'data', 'must be an object'],
    ['a missing event id', { ...order, id: undefined }, 'id', 'is required'],
    ['occurredAt before 1990', withData({ placedAt: '1990-01-01T00:00:00Z' }, { occurredAt: '1989-06-01T00:00:00Z' }), 'occurredAt', 'must not be before 1990-01-01'],
  ])('refuses %s', (_, body, field, reason) => {
    expect(fails(body)).toEqual({ field, reason });
  });

  it('refuses an occurredAt more than a day after the delivery was received', () => {
    expect(fails(order, '2024-04-29T00:00:00Z')).toEqual({ field: 'occurredAt', reason: 'must not be more than 1 day after the delivery was received' });
    expect(run(order, '2024-04-30T12:00:00Z')).toHaveLength(1);
  });

  it('takes the time the event was received when occurredAt is absent', () => {
    const [item] = run({ ...withData({ placedAt: '2024-05-31T10:00:00Z' }), occurredAt: undefined }, '2024-06-01T00:00:00.000Z');
    expect(item).toMatchObject({ type: 'order', order: { placedAt: '2024-05-31T10:00:00.000Z', updatedAt: '2024-06-01T00:00:00.000Z' } });
  });

  it('refuses malformed JSON', () => {
    expect(() => run('{"id": "e",')).toThrow(new IngestError('malformed JSON'));
  });

  it('reports how many other problems there are', () => {
    expect(fails(withData({ total: undefined, currency: undefined }))).toEqual({ field: 'data.currency', reason: 'is required (and 1 more problem)' });
  });
});
