import { streamRecordMatches, WIRING } from '../../infra/wiring';
import { mergeOrder } from '../../shared/domain/orders';
import type { NormalizedOrder } from '../../shared/domain/ingest';
import { orderEvents, padSeq, type OrderChange, type OrderImage } from '../../shared/usecases/projections/aggregates';

const base: NormalizedOrder = {
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
};
const img = (over: Partial<OrderImage> = {}): OrderImage => ({ ...mergeOrder(undefined, base, 'C1', 'now'), lastWriteAt: '2026-03-01T10:00:01.000Z', correlationId: 'corr', ...over });
const change = (before?: OrderImage, after?: OrderImage): OrderChange => ({ seq: '10', customerId: 'C1', itemKey: 'CUST#C1|T#X', seenAt: '2026-03-01T10:00:02.000Z', ...(before ? { before } : {}), ...(after ? { after } : {}) });

describe('order events from stream changes', () => {
  it('announces a new order with its amount, correlation and a stable id', () => {
    const [e, ...rest] = orderEvents(change(undefined, img()));
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ type: 'OrderPlaced', correlationId: 'corr', occurredAt: '2026-03-01T10:00:01.000Z', data: { customerId: 'C1', orderId: '1', totalMinor: 5000, currency: 'USD' } });
    expect(orderEvents(change(undefined, img()))[0]!.id).toBe(e!.id);
  });
  it('announces each new refund, or else a change of state, and nothing for a rewrite of the same state', () => {
    const refunded = orderEvents(change(img(), img({ refunds: { r1: 100, r2: 200 }, updatedAt: '2026-03-02T00:00:00.000Z' })));
    expect(refunded.map((e) => [e.type, (e.data as { refundId: string }).refundId])).toEqual([
      ['OrderRefunded', 'r1'],
      ['OrderRefunded', 'r2'],
    ]);
    expect(new Set(refunded.map((e) => e.id)).size).toBe(2);
    expect(orderEvents(change(img(), img({ status: 'fulfilled', updatedAt: '2026-03-02T00:00:00.000Z' }))).map((e) => e.type)).toEqual(['OrderUpdated']);
    expect(orderEvents(change(img(), img()))).toEqual([]);
  });
  it('says nothing of removals and of orders a merge moved', () => {
    expect(orderEvents(change(img(), undefined))).toEqual([]);
    expect(orderEvents(change(undefined, img({ movedAt: '2026-03-03T00:00:00.000Z' })))).toEqual([]);
  });
  it('pads sequence numbers so that they compare as strings', () => {
    expect(padSeq('9') < padSeq('10')).toBe(true);
    expect(padSeq('100000000000000000001') > padSeq('99999999999999999999')).toBe(true);
  });
});

describe('the relay stream filters (the same in CDK and locally)', () => {
  const filters = WIRING.find((f) => f.stream)!.stream!.filters;
  const rec = (eventName: string, image: 'NewImage' | 'OldImage', attrs: Record<string, string>) => ({ eventName, dynamodb: { [image]: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, { S: v }])) } });
  it.each([
    ['an outbox insert', rec('INSERT', 'NewImage', { entity: 'event' }), true],
    ['an outbox expiry', rec('REMOVE', 'OldImage', { entity: 'event' }), false],
    ['an order write', rec('MODIFY', 'NewImage', { entity: 'order' }), true],
    ['an order removal', rec('REMOVE', 'OldImage', { entity: 'order' }), true],
    ['a profile created by ingest', rec('INSERT', 'NewImage', { entity: 'customer', createdVia: 'ingest' }), true],
    ['a profile change (its tags index)', rec('MODIFY', 'NewImage', { entity: 'customer' }), true],
    ['a timeline entry (activity)', rec('INSERT', 'NewImage', { entity: 'timeline' }), true],
    ['a timeline entry moved away', rec('REMOVE', 'OldImage', { entity: 'timeline' }), true],
    ['an aggregates write', rec('MODIFY', 'NewImage', { entity: 'aggregates' }), false],
  ])('%s: %s', (_, record, expected) => {
    expect(streamRecordMatches(filters, record)).toBe(expected);
  });
});
