import type { NormalizedOrder } from '../../shared/domain/ingest';
import { aggregateOrders, applyContribution, contribution, EMPTY_AGGREGATES, isNewer, mergeOrder, pruneDays, type StoredOrder } from '../../shared/domain/orders';

const order = (over: Partial<NormalizedOrder> = {}): NormalizedOrder => ({
  platform: 'shopify',
  store: 's',
  orderId: '1',
  identity: { platform: 'shopify', store: 's', sourceChannel: 'shopify' },
  placedAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
  status: 'paid',
  currency: 'USD',
  totalMinor: 5000,
  subtotalMinor: 5000,
  discountMinor: 0,
  taxMinor: 0,
  shippingMinor: 0,
  refundedMinor: 0,
  lines: [],
  discountCodes: [],
  channel: 'web',
  ...over,
});
const stored = (over: Partial<NormalizedOrder> = {}, refunds: Record<string, number> = {}): StoredOrder => ({ ...mergeOrder(undefined, order(over), 'C', 'now'), refunds });
const TODAY = '2026-03-10';

describe('order contribution', () => {
  it('counts a paid order with its net spend and nothing for a cancelled one', () => {
    expect(contribution(stored())).toMatchObject({ count: 1, netMinor: 5000, day: '2026-03-01' });
    expect(contribution(stored({ status: 'cancelled' }))).toBeUndefined();
  });
  it('takes the larger of the order refund total and the refunds seen one by one', () => {
    expect(contribution(stored({ refundedMinor: 1000 }, { r1: 1500 }))?.netMinor).toBe(3500);
  });
});

describe('applyContribution', () => {
  it('is exact when an order is replaced by its newer state, and a duplicate changes nothing', () => {
    const a1 = applyContribution(EMPTY_AGGREGATES, undefined, contribution(stored()), TODAY).next;
    expect(a1).toMatchObject({ orderCount: 1, spentMinor: { USD: 5000 }, days: { '2026-03-01': 1 }, firstOrderAt: '2026-03-01T10:00:00.000Z' });
    const same = applyContribution(a1, contribution(stored()), contribution(stored()), TODAY).next;
    expect({ ...same, version: 0 }).toEqual({ ...a1, version: 0 });
    const refunded = applyContribution(a1, contribution(stored()), contribution(stored({ status: 'partially_refunded', refundedMinor: 2000 })), TODAY).next;
    expect(refunded).toMatchObject({ orderCount: 1, spentMinor: { USD: 3000 }, refundedMinor: { USD: 2000 } });
  });

  it('asks for a recompute when the first or last order is cancelled', () => {
    const a = aggregateOrders([stored(), stored({ orderId: '2', placedAt: '2026-03-05T00:00:00.000Z' })], TODAY);
    const r = applyContribution(a, contribution(stored({ orderId: '2', placedAt: '2026-03-05T00:00:00.000Z' })), undefined, TODAY);
    expect(r.needsRecompute).toBe(true);
    expect(r.next.orderCount).toBe(1);
  });

  it('orders all give the same aggregates whatever the arrival order', () => {
    const os = [stored(), stored({ orderId: '2', placedAt: '2026-02-01T00:00:00.000Z', totalMinor: 700 }), stored({ orderId: '3', placedAt: '2026-03-09T00:00:00.000Z', currency: 'EUR', totalMinor: 900 })];
    const a = aggregateOrders(os, TODAY);
    const b = aggregateOrders([...os].reverse(), TODAY);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ orderCount: 3, spentMinor: { USD: 5700, EUR: 900 }, firstOrderAt: '2026-02-01T00:00:00.000Z', lastOrderAt: '2026-03-09T00:00:00.000Z' });
  });
});

it('knows newer from older and equal updates', () => {
  expect(isNewer(undefined, order())).toBe(true);
  expect(isNewer(order(), order())).toBe(false);
  expect(isNewer(order({ updatedAt: '2026-03-02T00:00:00Z' }), order())).toBe(false);
  expect(isNewer(order(), order({ updatedAt: '2026-03-02T00:00:00Z' }))).toBe(true);
});

it('prunes day counts older than the window', () => {
  expect(pruneDays({ '2024-01-01': 1, '2026-03-01': 2, '2026-03-02': 0 }, TODAY)).toEqual({ '2026-03-01': 2 });
});
