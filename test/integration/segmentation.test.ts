import type { NormalizedOrder } from '../../shared/domain/ingest';
import { parseCondition } from '../../shared/domain/conditions';
import type { Deps } from '../../shared/runtime/deps';
import { deleteCustomer } from '../../shared/usecases/customers';
import { ingestOrder } from '../../shared/usecases/ingest/ingest-order';
import { logInteraction } from '../../shared/usecases/interactions';
import { loadEngine } from '../../shared/usecases/segmentation/engine-cache';
import { evaluateCustomer } from '../../shared/usecases/segmentation/evaluate-customer';
import { testDeps } from '../support/db';
import { drainStream } from '../support/stream';
import { ctxOf, publishedTypes } from './helpers';

const T0 = '2026-06-01T10:00:00.000Z';
const at = (d: Deps, iso: string): Deps => ({ ...d, clock: { now: () => new Date(iso) } });
let n = 0;
const order = (over: Partial<NormalizedOrder> = {}): NormalizedOrder => ({
  platform: 'shop',
  store: 's',
  orderId: `o${++n}`,
  identity: { platform: 'shop', store: 's', platformCustomerId: 'c1', sourceChannel: 'shop' },
  placedAt: T0,
  updatedAt: T0,
  status: 'paid',
  currency: 'USD',
  totalMinor: 12_000,
  subtotalMinor: 12_000,
  discountMinor: 0,
  taxMinor: 0,
  shippingMinor: 0,
  refundedMinor: 0,
  lines: [{ product: 'Tea', category: 'Drinks', quantity: 1, unitPriceMinor: 12_000 }],
  discountCodes: [],
  channel: 'web',
  ...over,
});
const def = (id: string, condition: unknown) => ({ id, name: id, condition: parseCondition(condition), version: 1, createdAt: T0, updatedAt: T0 });

async function world() {
  const d = await testDeps();
  const queue = { sent: [] as string[], send: async (_q: string, body: string) => void queue.sent.push(body) };
  const deps = { ...d, queue } as Deps;
  await deps.definitions.putValueConfig({ baseCurrency: 'USD', tiers: { currency: 'USD', tiers: [{ name: 'vip', minSpendMinor: 20_000 }, { name: 'regular' }] }, version: 1 }, 0);
  await deps.definitions.putSegment(def('big-spenders', { kind: 'orders', field: 'totalSpent', op: 'gte', value: 100 }));
  await deps.definitions.putSegment(def('lapsed', { kind: 'orders', field: 'daysSinceLastOrder', op: 'gte', value: 90 }));
  await deps.definitions.putSegment(def('lapsed-big', { all: [{ kind: 'segment', op: 'in', value: 'lapsed' }, { kind: 'segment', op: 'in', value: 'big-spenders' }] }));
  await deps.definitions.putTag({ name: 'high-activity prospect', category: 'behaviour', condition: parseCondition({ kind: 'behaviour', event: 'interaction:inquiry', withinDays: 30, op: 'gte', value: 3 }), version: 1, createdAt: T0, updatedAt: T0 });
  return deps;
}

describe('segmentation', () => {
  it('puts a buyer in segments, tiers and stages them, and flips time-based segments at their instant', async () => {
    const d = await world();
    await ingestOrder(ctxOf(at(d, T0)), order(), { source: 'shop', sourceId: 's', deliveryId: 'd1' });
    await drainStream(d);
    const id = (await d.orders.ref('shop', 's', `o${n}`))!.customerId;
    const engine = await loadEngine(d, { fresh: true });

    const first = await evaluateCustomer(ctxOf(at(d, '2026-06-01T10:00:05.000Z')), id, engine);
    expect(first.entered).toEqual(['big-spenders']);
    // The next thing time changes: "new" becomes "active" 30 days after the first order.
    expect(first.timerAt).toBe('2026-07-01T10:00:00.000Z');
    expect(await d.membership.count('big-spenders')).toBe(1);
    expect((await d.membership.members('big-spenders', 10)).items).toEqual([id]);
    expect((await d.membership.header(id)).state).toMatchObject({ tier: 'regular', lifecycle: 'new' });
    // Evaluating again changes nothing.
    expect((await evaluateCustomer(ctxOf(at(d, '2026-06-01T10:00:06.000Z')), id, engine)).changed).toBe(false);

    // A second order makes them VIP (upgrade); the lapse moves with the last order.
    await ingestOrder(ctxOf(at(d, '2026-06-10T09:00:00.000Z')), order({ placedAt: '2026-06-10T09:00:00.000Z', updatedAt: '2026-06-10T09:00:00.000Z' }), { source: 'shop', sourceId: 's', deliveryId: 'd2' });
    await drainStream(d);
    const second = await evaluateCustomer(ctxOf(at(d, '2026-06-10T09:00:01.000Z')), id, engine);
    expect(second.timerAt).toBe('2026-07-01T10:00:00.000Z');
    expect((await d.membership.header(id)).state?.tier).toBe('vip');
    const active = await evaluateCustomer(ctxOf(at(d, '2026-07-01T10:00:00.000Z')), id, engine);
    expect((await d.membership.header(id)).state?.lifecycle).toBe('active');
    // Then: lapsed (and dormant) 90 days after the last order, to the millisecond.
    expect(active.timerAt).toBe('2026-09-08T09:00:00.000Z');

    // One millisecond before the instant nothing changes; at it, lapsed and the segment built on it.
    expect((await evaluateCustomer(ctxOf(at(d, '2026-09-08T08:59:59.999Z')), id, engine)).entered).toEqual([]);
    const lapse = await evaluateCustomer(ctxOf(at(d, '2026-09-08T09:00:00.000Z')), id, engine);
    expect(lapse.entered).toEqual(['lapsed', 'lapsed-big']);
    expect((await d.partition.view(id, 5))!.segments.sort()).toEqual(['big-spenders', 'lapsed', 'lapsed-big']);
    const types = await publishedTypes(d);
    expect(types.filter((t) => t === 'SegmentEntered')).toHaveLength(3);
    expect(types).toEqual(expect.arrayContaining(['TierChanged', 'LifecycleChanged']));
    expect((await d.membership.header(id)).state?.lifecycle).toBe('dormant');
  });

  it('applies a rule tag while its condition holds and takes it off when it stops holding', async () => {
    const d = await world();
    await ingestOrder(ctxOf(at(d, T0)), order({ identity: { platform: 'shop', store: 's', platformCustomerId: 'c2', sourceChannel: 'shop' } }), { source: 'shop', sourceId: 's', deliveryId: 'd3' });
    const id = (await d.orders.ref('shop', 's', `o${n}`))!.customerId;
    const engine = await loadEngine(d, { fresh: true });
    for (const day of ['2026-06-01', '2026-06-02', '2026-06-03']) {
      await logInteraction(ctxOf(at(d, `${day}T12:00:00.000Z`)), id, { channel: 'wechat', type: 'inquiry', direction: 'inbound', summary: 'price?', occurredAt: `${day}T12:00:00.000Z` });
    }
    await drainStream(d);
    const tagged = await evaluateCustomer(ctxOf(at(d, '2026-06-03T12:00:01.000Z')), id, engine);
    expect(tagged.tagsAdded).toEqual(['high-activity prospect']);
    expect((await d.customers.require(id)).tags).toEqual(['high-activity prospect']);
    await drainStream(d);
    expect(await d.tagIndex.count('high-activity prospect')).toBe(1);
    // The first inquiry leaves the 30-day window at the start of 2026-07-01: the timer says so.
    expect(tagged.timerAt).toBe('2026-07-01T00:00:00.000Z');
    const untagged = await evaluateCustomer(ctxOf(at(d, '2026-07-01T00:00:00.000Z')), id, engine);
    expect(untagged.tagsRemoved).toEqual(['high-activity prospect']);
    await drainStream(d);
    expect(await d.tagIndex.count('high-activity prospect')).toBe(0);
  });

  it('takes a deleted customer out of every segment', async () => {
    const d = await world();
    await ingestOrder(ctxOf(at(d, T0)), order({ identity: { platform: 'shop', store: 's', platformCustomerId: 'c3', sourceChannel: 'shop' } }), { source: 'shop', sourceId: 's', deliveryId: 'd4' });
    await drainStream(d);
    const id = (await d.orders.ref('shop', 's', `o${n}`))!.customerId;
    const engine = await loadEngine(d, { fresh: true });
    expect((await evaluateCustomer(ctxOf(at(d, '2026-06-01T10:00:05.000Z')), id, engine)).entered).toEqual(['big-spenders']);
    await deleteCustomer(ctxOf(d), id);
    expect((await evaluateCustomer(ctxOf(d), id, engine)).exited).toEqual(['big-spenders']);
    expect(await d.membership.count('big-spenders')).toBe(0);
  });
});
