import { checkoutCount, eventAdds, moves, orderCount, originOf, originParts } from '../../shared/domain/analytics/rollups';
import type { StoredOrder } from '../../shared/domain/orders';

const order = (over: Partial<StoredOrder> = {}): StoredOrder => ({
  platform: 'shop',
  store: 'flagship',
  orderId: 'o1',
  identity: { platform: 'shop', store: 'flagship', sourceChannel: 'web' },
  placedAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
  status: 'paid',
  currency: 'USD',
  totalMinor: 10_000,
  subtotalMinor: 10_000,
  discountMinor: 0,
  taxMinor: 0,
  shippingMinor: 0,
  refundedMinor: 0,
  lines: [{ product: 'CD', quantity: 3, unitPriceMinor: 3_333 }],
  discountCodes: [],
  channel: 'web',
  customerId: 'c1',
  refunds: {},
  firstSeenAt: '2026-03-01T10:00:00.000Z',
  ...over,
});

describe('what an order counts', () => {
  it('counts on the day it was placed, by store and channel: orders, net revenue, gross, refunds, units', () => {
    expect(orderCount(order({ refunds: { r1: 2_500 } }))).toEqual({
      day: '2026-03-01',
      values: { store: 'flagship', channel: 'web' },
      counters: { orders: 1, 'orders|USD': 1, 'revenue|USD': 7_500, 'gross|USD': 10_000, 'refunded|USD': 2_500, units: 3 },
    });
    expect(orderCount(order({ status: 'cancelled' }))).toEqual({ day: '2026-03-01', values: { store: 'flagship', channel: 'web' }, counters: { cancelled: 1 } });
    expect(orderCount(undefined)).toBeUndefined();
  });

  it('moves by the difference when the day and dimensions stay, and takes the old count back when they change', () => {
    const before = orderCount(order())!;
    const refunded = orderCount(order({ refunds: { r1: 1_000 } }))!;
    expect(moves('orders', before, refunded)).toEqual([{ family: 'orders', day: '2026-03-01', values: before.values, counters: { 'revenue|USD': -1_000, 'refunded|USD': 1_000 } }]);
    expect(moves('orders', before, before)).toEqual([]);
    const cancelled = orderCount(order({ status: 'cancelled' }))!;
    const m = moves('orders', before, cancelled);
    const net = (k: string) => m.reduce((s, x) => s + (x.counters[k] ?? 0), 0);
    expect(net('orders')).toBe(-1);
    expect(net('revenue|USD')).toBe(-10_000);
    expect(net('cancelled')).toBe(1);
    const moved = moves('orders', before, orderCount(order({ placedAt: '2026-03-02T01:00:00.000Z' })));
    expect(moved.map((x) => [x.day, x.counters.orders])).toEqual([['2026-03-01', -1], ['2026-03-02', 1]]);
  });
});

describe('what a checkout counts', () => {
  it('counts on the day it started once the start is known: started, abandoned, completed, recovered', () => {
    expect(checkoutCount({ store: 's', completed: true })).toBeUndefined();
    expect(checkoutCount({ store: 's', startedDay: '2026-03-01', currency: 'USD', valueMinor: 500, abandoned: true, completed: true, orderCurrency: 'USD', orderValueMinor: 480 })).toEqual({
      day: '2026-03-01',
      values: { store: 's' },
      counters: { started: 1, 'startedValue|USD': 500, abandoned: 1, completed: 1, recovered: 1, 'completedValue|USD': 480 },
    });
  });
});

describe('a message\'s origin', () => {
  it('is the campaign or journey and the channel; any other source is unknown, so the dimension grows with campaigns, never customers', () => {
    expect(originOf({ sourceKind: 'journey', sourceId: 'j-1', channel: 'sms' })).toBe('journey:j-1:sms');
    expect(originOf({ sourceKind: 'campaign', sourceId: 'c-1' })).toBe('campaign:c-1:-');
    expect(originOf({ sourceKind: 'survey', sourceId: 'ticket-123', channel: 'email' })).toBe('-');
    expect(originOf({ sourceKind: 'campaign', channel: 'email' })).toBe('-');
    expect(originOf({})).toBe('-');
  });
  it('reads back into its parts, and a malformed value into nothing', () => {
    expect(originParts('campaign:c-1:email')).toEqual({ kind: 'campaign', id: 'c-1', channel: 'email' });
    expect(originParts('-')).toBeUndefined();
    expect(originParts('survey:t:email')).toBeUndefined();
    expect(originParts('campaign:c-1')).toBeUndefined();
    expect(originParts('campaign:a:b:c')).toBeUndefined();
  });
});

describe('events counted one by one', () => {
  const e = (type: string, data: Record<string, unknown>) => ({ id: 'e1', type, occurredAt: '2026-03-01T23:59:59.000Z', data });
  it('count profiles by source channel and store, messages by channel and source kind, leads by channel and rep', () => {
    expect(eventAdds(e('CustomerCreated', { customerId: 'c', sourceChannel: 'wechat' }), { profile: { store: 'tmall' } })).toEqual([{ family: 'customers', day: '2026-03-01', values: { channel: 'wechat', store: 'tmall' }, counters: { created: 1 } }]);
    expect(eventAdds(e('CustomerMerged', { customerId: 'c' }))).toEqual([{ family: 'customers', day: '2026-03-01', values: { channel: '-', store: '-' }, counters: { merged: 1 } }]);
    expect(eventAdds(e('MessageConverted', { channel: 'email', sourceKind: 'campaign', sourceId: 'cmp-1', amountMinor: 1_999, currency: 'EUR' }))).toEqual([{ family: 'messages', day: '2026-03-01', values: { channel: 'email', source: 'campaign', origin: 'campaign:cmp-1:email' }, counters: { converted: 1, 'revenue|EUR': 1_999 } }]);
    expect(eventAdds(e('LeadFollowedUp', { ownerId: 'rep-1' }))[0]).toMatchObject({ family: 'leads', values: { rep: 'rep-1' }, counters: { followUps: 1 } });
    expect(eventAdds(e('LeadConverted', { ownerId: 'rep-1', opportunityId: 'o' }))[0]!.counters).toEqual({ converted: 1, withOpportunity: 1 });
    // Orders and checkouts count through their facts, not one by one.
    expect(eventAdds(e('OrderPlaced', { orderId: 'o' }))).toEqual([]);
  });
});
