import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { handler as relay } from '../../functions/workers/outbox-relay';
import { newCustomer } from '../../shared/domain/customer';
import type { NormalizedOrder } from '../../shared/domain/ingest';
import { setDeps, type Deps } from '../../shared/runtime/deps';
import { identityItem, identityClaims } from '../../shared/store/customer-items';
import { orderItemKey } from '../../shared/store/keys';
import { ingestOrder } from '../../shared/usecases/ingest/ingest-order';
import { logInteraction } from '../../shared/usecases/interactions';
import { testDeps, type CapturingPublisher } from '../support/db';
import { drainStream } from '../support/stream';
import { ctxOf, publishedTypes } from './helpers';

let n = 0;
const delivery = () => ({ source: 'generic', sourceId: 'erp', deliveryId: `p${++n}` });
const order = (over: Partial<NormalizedOrder> = {}): NormalizedOrder => ({
  platform: 'erp',
  store: 'main',
  orderId: 'o1',
  identity: { platform: 'erp', store: 'main', platformCustomerId: 'c-1', email: 'projection@example.com', sourceChannel: 'erp' },
  placedAt: '2026-06-01T10:00:00.000Z',
  updatedAt: '2026-06-01T10:00:00.000Z',
  status: 'paid',
  currency: 'EUR',
  totalMinor: 2500,
  subtotalMinor: 2500,
  discountMinor: 0,
  taxMinor: 0,
  shippingMinor: 0,
  refundedMinor: 0,
  lines: [],
  discountCodes: [],
  channel: 'web',
  ...over,
});

/** A stream record of an item as it is now in the table (what the stream would carry for its INSERT). */
async function insertRecord(d: Deps, key: { PK: string; SK: string }, seq: string): Promise<DynamoDBRecord> {
  const item = (await d.db.doc.send(new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: d.db.tableName, Key: key, ConsistentRead: true }))).Item!;
  return { eventID: `e-${seq}`, eventName: 'INSERT', dynamodb: { SequenceNumber: seq, Keys: marshall(key) as never, NewImage: marshall(item, { removeUndefinedValues: true }) as never } } as DynamoDBRecord;
}

const published = async (d: Deps) => ((await d.publisher!()) as CapturingPublisher).events;

describe('the order projection on the stream', () => {
  it('counts an order once however often its record is delivered, and a replay rebuilds the same totals', async () => {
    const d = await testDeps();
    await ingestOrder(ctxOf(d), order(), delivery());
    await drainStream(d);
    const ref = (await d.orders.ref('erp', 'main', 'o1'))!;
    const before = await d.orders.aggregates(ref.customerId);
    expect(before).toMatchObject({ orderCount: 1, spentMinor: { EUR: 2500 } });
    const events = (await published(d)).filter((e) => e.type === 'OrderPlaced');
    expect(events).toHaveLength(1);

    // The same record again (a retried batch), with the sequence number the stream gave it or an older one.
    setDeps(d);
    const record = await insertRecord(d, orderItemKey(ref.customerId, ref.entryId), '1');
    expect(await relay({ Records: [record] })).toEqual({ batchItemFailures: [] });
    expect(await d.orders.aggregates(ref.customerId)).toEqual(before);
    // Its event is the same event (same id), so consumers that saw it drop the copy.
    const again = (await published(d)).filter((e) => e.type === 'OrderPlaced');
    expect(new Set(again.map((e) => e.id)).size).toBe(1);

    // A replay from the dead-letter queue rebuilds from the orders: same totals, not double.
    expect(await relay({ Records: [record], replay: true } as never)).toEqual({ batchItemFailures: [] });
    expect({ ...(await d.orders.aggregates(ref.customerId)), version: 0 }).toEqual({ ...before, version: 0 });
  });

  it('does not announce an order a merge moved, and does not resurrect the totals of a purged customer', async () => {
    const d = await testDeps();
    await ingestOrder(ctxOf(d), order({ orderId: 'm1' }), delivery());
    await drainStream(d);
    const ref = (await d.orders.ref('erp', 'main', 'm1'))!;
    const moved = await insertRecord(d, orderItemKey(ref.customerId, ref.entryId), '99999999999999999999999');
    moved.dynamodb!.NewImage!.movedAt = { S: '2026-06-02T00:00:00.000Z' };
    moved.dynamodb!.NewImage!.PK = { S: 'CUST#somebody-else' };
    const count = (await published(d)).length;
    setDeps(d);
    expect(await relay({ Records: [moved] })).toEqual({ batchItemFailures: [] });
    expect((await published(d)).length).toBe(count);
    expect(await d.orders.aggregates('somebody-else')).toMatchObject({ orderCount: 1 });

    // A removal from a partition whose aggregates are gone (purged) writes nothing.
    const removal = { ...moved, eventName: 'REMOVE', dynamodb: { SequenceNumber: '99999999999999999999998', Keys: moved.dynamodb!.Keys, OldImage: { ...moved.dynamodb!.NewImage!, PK: { S: 'CUST#gone' } } } } as DynamoDBRecord;
    expect(await relay({ Records: [removal] })).toEqual({ batchItemFailures: [] });
    expect((await d.orders.storedAggregates('gone')).exists).toBe(false);
  });

  it('finishes a profile whose creation stopped after its identity claim, and announces it once', async () => {
    const d = await testDeps();
    // A crashed first attempt: the platform id is claimed for `half-made`, but there is no profile.
    const [claim] = identityClaims({ platformIds: [{ platform: 'erp', store: 'main', id: 'c-9' }] }, d.hash);
    await d.db.doc.send(new PutCommand({ TableName: d.db.tableName, Item: identityItem(claim!, 'half-made', '2026-06-01T00:00:00.000Z') }));
    await ingestOrder(ctxOf(d), order({ orderId: 'h1', identity: { platform: 'erp', store: 'main', platformCustomerId: 'c-9', email: 'half@example.com', sourceChannel: 'erp' } }), delivery());
    expect(await d.customers.get('half-made')).toMatchObject({ email: 'half@example.com', sourceChannel: 'erp', status: 'active' });
    expect(await d.customers.findIdByIdentity({ kind: 'email', value: 'half@example.com' })).toBe('half-made');
    expect((await d.orders.get('erp', 'main', 'h1'))?.customerId).toBe('half-made');
    expect(await publishedTypes(d)).toEqual(['CustomerCreated', 'OrderPlaced']);
  });

  it('keeps a weaker identity someone else holds off a new profile, and gives way when the strongest is taken', async () => {
    const d = await testDeps();
    const [emailClaim] = identityClaims({ email: 'taken@example.com', platformIds: [] }, d.hash);
    await d.db.doc.send(new PutCommand({ TableName: d.db.tableName, Item: identityItem(emailClaim!, 'other', '2026-06-01T00:00:00.000Z') }));
    const c = newCustomer('fresh', { email: 'taken@example.com', platformIds: [{ platform: 'erp', store: 'main', id: 'c-5' }], sourceChannel: 'erp' }, '2026-06-01T00:00:00.000Z');
    const made = await d.customers.createClaimFirst(c, 'corr');
    expect(made).toMatchObject({ created: true, dropped: [{ identity: { kind: 'email', value: 'taken@example.com' }, owner: 'other' }] });
    const stored = (await d.customers.get('fresh'))!;
    expect(stored.email).toBeUndefined();
    expect(stored.platformIds).toEqual([{ platform: 'erp', store: 'main', id: 'c-5' }]);
    expect(await d.customers.findIdByIdentity({ kind: 'email', value: 'taken@example.com' })).toBe('other');
    // Asked again (a retry), it is the same profile; a different id for the same person gives way.
    expect(await d.customers.createClaimFirst(c, 'corr')).toMatchObject({ created: false });
    expect(await d.customers.createClaimFirst({ ...c, id: 'second' }, 'corr')).toEqual({ takenBy: 'fresh' });
    expect(await d.customers.get('second')).toBeUndefined();
  });

  it('counts per day the products and categories bought, the spend, the interactions and the abandoned carts', async () => {
    const d = await testDeps();
    const lines = [
      { product: 'Mug', category: 'Kitchen', quantity: 2, unitPriceMinor: 500 },
      { product: 'Tea', category: 'Kitchen', quantity: 1, unitPriceMinor: 1500 },
    ];
    await ingestOrder(ctxOf(d), order({ orderId: 'a1', lines }), delivery());
    const id = (await d.orders.ref('erp', 'main', 'a1'))!.customerId;
    await logInteraction(ctxOf(d), id, { channel: 'wechat', type: 'inquiry', direction: 'inbound', summary: 'size?' });
    await logInteraction(ctxOf(d), id, { channel: 'wechat', type: 'inquiry', direction: 'inbound', summary: 'colour?' });
    await drainStream(d);
    const today = new Date().toISOString().slice(0, 10);
    const agg = await d.orders.aggregates(id);
    expect(agg.activity).toEqual({
      'product:Mug': { '2026-06-01': 1 },
      'product:Tea': { '2026-06-01': 1 },
      'category:Kitchen': { '2026-06-01': 1 },
      'interaction:inquiry': { [today]: 2 },
    });
    expect(agg.daySpend).toEqual({ EUR: { '2026-06-01': 2500 } });
    // Cancelled, the order takes its products and spend back.
    await ingestOrder(ctxOf(d), order({ orderId: 'a1', lines, status: 'cancelled', updatedAt: '2026-06-02T00:00:00.000Z' }), delivery());
    await drainStream(d);
    expect(await d.orders.aggregates(id)).toMatchObject({ orderCount: 0, daySpend: {}, activity: { 'interaction:inquiry': { [today]: 2 } } });
  });
});

