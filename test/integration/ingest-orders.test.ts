import { drainStream } from '../support/stream';
import type { NormalizedOrder } from '../../shared/domain/ingest';
import type { Deps } from '../../shared/runtime/deps';
import { ingestOrder, ingestRefund } from '../../shared/usecases/ingest/ingest-order';
import { testDeps } from '../support/db';
import { ctxOf, publishedTypes } from './helpers';

let deps: Deps;
beforeAll(async () => {
  deps = await testDeps();
});

let n = 0;
const delivery = () => ({ source: 'shopify', sourceId: 'shop.example', deliveryId: `d${++n}` });
const order = (over: Partial<NormalizedOrder> = {}): NormalizedOrder => ({
  platform: 'shopify',
  store: 'shop.example',
  orderId: 'o1',
  identity: { platform: 'shopify', store: 'shop.example', platformCustomerId: '9007199254740993123', email: 'Buyer@Example.com', name: 'Buyer One', sourceChannel: 'shopify' },
  placedAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
  status: 'paid',
  currency: 'AUD',
  totalMinor: 5945,
  subtotalMinor: 4495,
  discountMinor: 0,
  taxMinor: 450,
  shippingMinor: 1000,
  refundedMinor: 0,
  lines: [{ product: 'Tee', quantity: 1, unitPriceMinor: 4495, sku: 'T-1' }],
  discountCodes: [],
  channel: 'web',
  ...over,
});

describe('ingesting orders', () => {
  it('creates the profile at first sight, stores the order with exact aggregates, and a replay changes nothing', async () => {
    const d = await testDeps();
    const dl = delivery();
    expect(await ingestOrder(ctxOf(d), order(), dl)).toBe('applied');
    const customerId = await d.customers.findIdByIdentity({ kind: 'platform', value: 'shopify:shop.example:9007199254740993123' });
    expect(customerId).toBeDefined();
    const c = await d.customers.require(customerId!);
    expect(c).toMatchObject({ email: 'buyer@example.com', sourceChannel: 'shopify', name: 'Buyer One' });
    await drainStream(d);
    expect(await d.orders.aggregates(customerId!)).toMatchObject({ orderCount: 1, spentMinor: { AUD: 5945 }, firstOrderAt: '2026-03-01T10:00:00.000Z', days: { '2026-03-01': 1 } });
    expect(await ingestOrder(ctxOf(d), order(), dl)).toBe('duplicate');
    expect(await ingestOrder(ctxOf(d), order(), delivery())).toBe('stale');
    await drainStream(d);
    expect((await d.orders.aggregates(customerId!)).orderCount).toBe(1);
    expect((await d.partition.timeline(customerId!, 10)).items.map((e) => e.kind)).toEqual(['order']);
    expect(await publishedTypes(d)).toEqual(['CustomerCreated', 'OrderPlaced']);
  });

  it('ends in the same state whatever order create, update and an older update arrive in', async () => {
    const d = await testDeps();
    const v1 = order({ orderId: 'o2', updatedAt: '2026-03-01T10:00:00.000Z' });
    const v2 = order({ orderId: 'o2', updatedAt: '2026-03-01T11:00:00.000Z', status: 'fulfilled' });
    const v3 = order({ orderId: 'o2', updatedAt: '2026-03-01T12:00:00.000Z', status: 'cancelled' });
    await ingestOrder(ctxOf(d), v2, delivery());
    await ingestOrder(ctxOf(d), v3, delivery());
    expect(await ingestOrder(ctxOf(d), v1, delivery())).toBe('stale');
    const o = await d.orders.get('shopify', 'shop.example', 'o2');
    expect(o?.status).toBe('cancelled');
    await drainStream(d);
    expect(await d.orders.aggregates(o!.customerId)).toMatchObject({ orderCount: 0, spentMinor: {} });
    await drainStream(d);
    expect((await d.orders.aggregates(o!.customerId)).firstOrderAt).toBeUndefined();
  });

  it('keeps refunds by id and nets them from spend', async () => {
    const d = await testDeps();
    await ingestOrder(ctxOf(d), order({ orderId: 'o3' }), delivery());
    const r = { platform: 'shopify', store: 'shop.example', orderId: 'o3', refundId: 'r1', amountMinor: 1000, currency: 'AUD' };
    expect(await ingestRefund(ctxOf(d), r, delivery())).toBe('applied');
    expect(await ingestRefund(ctxOf(d), r, delivery())).toBe('stale');
    const o = await d.orders.get('shopify', 'shop.example', 'o3');
    expect(o?.status).toBe('partially_refunded');
    await drainStream(d);
    expect(await d.orders.aggregates(o!.customerId)).toMatchObject({ orderCount: 1, spentMinor: { AUD: 4945 }, refundedMinor: { AUD: 1000 } });
    await expect(ingestRefund(ctxOf(d), { ...r, orderId: 'nope' }, delivery())).rejects.toThrow(/not seen yet/);
  });

  it('puts racing first orders of one new customer on one profile with both counted', async () => {
    const d = await testDeps();
    const identity = { platform: 'woocommerce', store: 'w', email: 'race@example.com', sourceChannel: 'woocommerce' };
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => ingestOrder(ctxOf(d), order({ platform: 'woocommerce', store: 'w', orderId: `r${i}`, identity, totalMinor: 100 * (i + 1) }), { ...delivery(), source: 'woocommerce' })),
    );
    const id = await d.customers.findIdByIdentity({ kind: 'email', value: 'race@example.com' });
    await drainStream(d);
    expect(await d.orders.aggregates(id!)).toMatchObject({ orderCount: 6, spentMinor: { AUD: 2100 } });
    expect((await d.orders.listByCustomer(id!)).length).toBe(6);
  });

  it('attaches to the strongest match and records a duplicate candidate when identities disagree', async () => {
    const d = await testDeps();
    await ingestOrder(ctxOf(d), order({ orderId: 'a', identity: { platform: 'shopify', store: 's', platformCustomerId: '1', sourceChannel: 'shopify' } }), delivery());
    await ingestOrder(ctxOf(d), order({ orderId: 'b', identity: { platform: 'shopify', store: 's', email: 'x@example.com', sourceChannel: 'shopify' } }), delivery());
    await ingestOrder(ctxOf(d), order({ orderId: 'c', identity: { platform: 'shopify', store: 's', platformCustomerId: '1', email: 'x@example.com', sourceChannel: 'shopify' } }), delivery());
    const byPlatform = await d.customers.findIdByIdentity({ kind: 'platform', value: 'shopify:s:1' });
    expect((await d.orders.get('shopify', 'shop.example', 'c'))?.customerId).toBe(byPlatform);
    const dups = await d.duplicates.list('open', 10);
    expect(dups.items.map((x) => x.reasons)).toEqual([['identity-conflict']]);
  });
});

describe('merge and orders', () => {
  it('moves orders with the merge, rebuilds both totals, and unmerge gives each its own back', async () => {
    const { mergeCustomers, unmergeCustomers } = await import('../../shared/usecases/merge');
    const d = await testDeps();
    const who = (email: string) => ({ platform: 'shopify', store: 's', email, sourceChannel: 'shopify' });
    await ingestOrder(ctxOf(d), order({ orderId: 'm1', identity: who('keep@example.com'), totalMinor: 1000 }), delivery());
    await ingestOrder(ctxOf(d), order({ orderId: 'm2', identity: who('dup@example.com'), totalMinor: 2000, placedAt: '2026-01-01T00:00:00.000Z' }), delivery());
    await ingestOrder(ctxOf(d), order({ orderId: 'm3', identity: who('dup@example.com'), totalMinor: 3000, placedAt: '2026-04-01T00:00:00.000Z' }), delivery());
    const keep = (await d.customers.findIdByIdentity({ kind: 'email', value: 'keep@example.com' }))!;
    const dup = (await d.customers.findIdByIdentity({ kind: 'email', value: 'dup@example.com' }))!;

    const r = await mergeCustomers(ctxOf(d), keep, dup);
    await drainStream(d);
    expect(await d.orders.aggregates(keep)).toMatchObject({ orderCount: 3, spentMinor: { AUD: 6000 }, firstOrderAt: '2026-01-01T00:00:00.000Z', lastOrderAt: '2026-04-01T00:00:00.000Z' });
    expect((await d.orders.listByCustomer(dup)).length).toBe(0);
    expect((await d.partition.timeline(keep, 10)).items.filter((e) => e.kind === 'order')).toHaveLength(3);
    // A later update of a moved order stays with the survivor.
    await ingestOrder(ctxOf(d), order({ orderId: 'm3', identity: who('dup@example.com'), totalMinor: 3000, placedAt: '2026-04-01T00:00:00.000Z', updatedAt: '2026-04-02T00:00:00.000Z', status: 'fulfilled' }), delivery());
    expect((await d.orders.get('shopify', 'shop.example', 'm3'))?.customerId).toBe(keep);

    await unmergeCustomers(ctxOf(d), keep, r.merge.id);
    await drainStream(d);
    expect(await d.orders.aggregates(keep)).toMatchObject({ orderCount: 1, spentMinor: { AUD: 1000 } });
    await drainStream(d);
    expect(await d.orders.aggregates(dup)).toMatchObject({ orderCount: 2, spentMinor: { AUD: 5000 } });
    expect((await d.orders.get('shopify', 'shop.example', 'm3'))?.customerId).toBe(dup);
    const orderEntries = async (id: string) => (await d.partition.timeline(id, 10)).items.filter((e) => e.kind === 'order').map((e) => e.data.orderId).sort();
    expect(await orderEntries(keep)).toEqual(['m1']);
    expect(await orderEntries(dup)).toEqual(['m2', 'm3']);
  });
});
