import { contribution } from '../../shared/domain/orders';
import { setDeps, type Deps } from '../../shared/runtime/deps';
import { repoOf } from '../../shared/store/repo-of';
import { RollupsRepo } from '../../shared/store/rollups-repo';
import { countEvents } from '../../shared/usecases/analytics/rollup';
import { testDeps } from '../support/db';
import { drainStream } from '../support/stream';
import { ingestBrand, publishedEvents, revenueByDay, shuffled, storedOrders } from './analytics-world';

/**
 * The rollups from the event stream, exactly once: the events of 60 CDNOW customers' purchases
 * (checkouts, a refund, a cancellation) counted in shuffled batches, every event delivered twice
 * and the whole stream replayed once more, give the same day counters as a direct computation over
 * the orders in the store.
 */
const CUSTOMERS = 60;
const NOW = '1998-07-10T12:00:00.000Z';
let deps: Deps;
let orders: Awaited<ReturnType<typeof storedOrders>>;
let changed: { refunded: string; cancelled: string };

beforeAll(async () => {
  const base = await testDeps();
  deps = { ...base, clock: { now: () => new Date(NOW) } };
  setDeps(deps);
  await deps.definitions.putValueConfig({ baseCurrency: 'USD', version: 1 }, 0);
  changed = await ingestBrand(CUSTOMERS, NOW);
  await drainStream(deps as never);
  orders = await storedOrders(deps, CUSTOMERS);
  const events = (await publishedEvents(deps)).filter((e) => ['CustomerCreated', 'OrderPlaced', 'OrderUpdated', 'OrderRefunded', 'CheckoutStarted', 'CheckoutAbandoned'].includes(e.type));
  // Each event twice, in a shuffled order, ten at a time; then the whole stream once more.
  const twice = shuffled([...events, ...events]);
  for (let i = 0; i < twice.length; i += 10) {
    const out = await countEvents(deps, twice.slice(i, i + 10));
    for (const [id, o] of out) if (o instanceof Error) throw new Error(`event ${id}: ${o.message}`);
  }
  for (let i = 0; i < events.length; i += 10) await countEvents(deps, events.slice(i, i + 10));
}, 600_000);

describe('analytics rollups', () => {
  it('count every order once, on the day it was placed, net of its refund and without the cancelled one', async () => {
    const rows = await repoOf(deps, RollupsRepo).rows('orders', 'all', '1997-01-01', '1998-07-10');
    const fromRollups = new Map(rows.map((r) => [r.day, { revenue: r.counters['revenue|USD'] ?? 0, orders: r.counters.orders ?? 0 }]));
    const direct = revenueByDay(orders);
    const nonZero = (m: Map<string, { revenue: number; orders: number }>) => [...m].filter(([, v]) => v.revenue !== 0 || v.orders !== 0).sort(([a], [b]) => a.localeCompare(b));
    expect(nonZero(fromRollups)).toEqual(nonZero(direct));
    // The refund and the cancellation are in the direct computation too: check they happened.
    const all = [...orders.values()].flat();
    expect(all.find((o) => o.orderId === changed.cancelled)?.status).toBe('cancelled');
    expect(contribution(all.find((o) => o.orderId === changed.refunded))?.refundedMinor).toBe(500);
    expect(rows.reduce((s, r) => s + (r.counters.cancelled ?? 0), 0)).toBe(1);
  });

  it('split the same counts by sales channel and store without losing any', async () => {
    const repo = repoOf(deps, RollupsRepo);
    const [all, byChannel, byStore] = await Promise.all([repo.rows('orders', 'all', '1997-01-01', '1998-07-10'), repo.rows('orders', 'channel', '1997-01-01', '1998-07-10'), repo.rows('orders', 'store', '1997-01-01', '1998-07-10')]);
    const total = (rs: typeof all, k: string) => rs.reduce((s, r) => s + (r.counters[k] ?? 0), 0);
    expect(total(byChannel, 'orders')).toBe(total(all, 'orders'));
    expect(total(byStore, 'revenue|USD')).toBe(total(all, 'revenue|USD'));
    expect(new Set(byChannel.map((r) => r.value))).toEqual(new Set(['app', 'web']));
    const direct = [...orders.values()].flat().filter((o) => contribution(o) && o.channel === 'app').length;
    expect(total(byChannel.filter((r) => r.value === 'app'), 'orders')).toBe(direct);
  });

  it('count each profile created once and each checkout by the day it started, completed by its order', async () => {
    const repo = repoOf(deps, RollupsRepo);
    const customers = await repo.rows('customers', 'all', '1998-01-01', '1998-07-10');
    expect(customers.reduce((s, r) => s + (r.counters.created ?? 0), 0)).toBe(orders.size);
    const checkouts = await repo.rows('checkouts', 'all', '1997-01-01', '1998-07-10');
    const withCheckout = [...orders.values()].flat().filter((o) => o.checkoutId);
    expect(checkouts.reduce((s, r) => s + (r.counters.started ?? 0), 0)).toBe(withCheckout.length);
    expect(checkouts.reduce((s, r) => s + (r.counters.completed ?? 0), 0)).toBe(withCheckout.length);
    const startDays = new Map<string, number>();
    for (const o of withCheckout) startDays.set(new Date(Date.parse(o.placedAt) - 600_000).toISOString().slice(0, 10), (startDays.get(new Date(Date.parse(o.placedAt) - 600_000).toISOString().slice(0, 10)) ?? 0) + 1);
    expect(new Map(checkouts.filter((r) => r.counters.started).map((r) => [r.day, r.counters.started]))).toEqual(startDays);
  });

  it('log every event once for the lake, on the day it arrived', async () => {
    const logged = await repoOf(deps, RollupsRepo).eventsOfDay(NOW.slice(0, 10));
    const events = (await publishedEvents(deps)).filter((e) => ['CustomerCreated', 'OrderPlaced', 'OrderUpdated', 'OrderRefunded', 'CheckoutStarted', 'CheckoutAbandoned'].includes(e.type));
    expect(logged.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
  });
});
