import type { SQSEvent } from 'aws-lambda';
import { handler as ingest } from '../../functions/workers/ingest';
import { parseCdnow, CDNOW } from '../../shared/domain/cdnow';
import { platformIdentity } from '../../shared/domain/identity';
import type { RawDelivery } from '../../shared/domain/ingest';
import { contribution, type StoredOrder } from '../../shared/domain/orders';
import type { EventEnvelope } from '../../shared/events/envelope';
import type { Deps } from '../../shared/runtime/deps';
import type { CapturingPublisher } from '../support/db';
import { readShared } from '../support/shared-data';

/**
 * A brand for the analytics tests: the first `customers` CDNOW customers' purchases through the
 * real ingest worker (two sales channels, every third order through a checkout, one abandoned-free),
 * then a refund and a cancellation; and the direct computations the reports are checked against.
 */
export const envelopesOf = (customers: number) =>
  parseCdnow(readShared('data', 'cdnow', 'CDNOW_sample.txt'))
    .filter((e) => Number((e.data.customer as { id: string }).id) <= customers)
    .map((e, i) => ({ ...e, data: { ...e.data, channel: i % 3 === 0 ? 'app' : 'web', ...(i % 3 === 1 ? { checkoutId: `chk-${e.data.orderId}` } : {}) } }));

async function deliver(body: Record<string, unknown>, at: string): Promise<void> {
  const d: RawDelivery = { deliveryId: String(body.id), source: 'generic', sourceId: 'cdnow', topic: String(body.type), receivedAt: at, body: JSON.stringify(body), correlationId: String(body.id) };
  const res = await ingest({ Records: [{ messageId: String(body.id), body: JSON.stringify(d) }] } as unknown as SQSEvent);
  if (res.batchItemFailures.length) throw new Error(`ingest failed for ${String(body.id)}`);
}

export async function ingestBrand(customers: number, at: string): Promise<{ refunded: string; cancelled: string }> {
  const envelopes = envelopesOf(customers);
  const byCustomer = new Map<string, typeof envelopes>();
  for (const e of envelopes) {
    const id = (e.data.customer as { id: string }).id;
    byCustomer.set(id, [...(byCustomer.get(id) ?? []), e]);
  }
  const queue = [...byCustomer.values()];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let list = queue.shift(); list; list = queue.shift()) {
        for (const e of list) {
          const checkoutId = (e.data as { checkoutId?: string }).checkoutId;
          if (checkoutId) {
            const placed = Date.parse(e.data.placedAt as string);
            const createdAt = new Date(placed - 10 * 60_000).toISOString();
            await deliver({ id: `${e.id}-chk`, type: 'checkout.upsert', occurredAt: createdAt, data: { platform: CDNOW.platform, store: CDNOW.store, checkoutId, customer: e.data.customer, currency: 'USD', total: e.data.total, lines: e.data.lines, createdAt, updatedAt: createdAt } }, at);
          }
          await deliver(e as unknown as Record<string, unknown>, at);
        }
      }
    }),
  );
  // A partial refund of the first order, a cancellation of the second (newer updatedAt).
  const [first, second] = envelopes;
  await deliver({ id: 'refund-1', type: 'refund.created', occurredAt: at, data: { platform: CDNOW.platform, store: CDNOW.store, refundId: 'r1', orderId: first!.data.orderId, amount: '5.00', currency: 'USD' } }, at);
  const { status: _s, ...cancelled } = second!.data as Record<string, unknown>;
  await deliver({ id: 'cancel-2', type: 'order.cancelled', occurredAt: at, data: { ...cancelled, updatedAt: at } }, at);
  return { refunded: first!.data.orderId as string, cancelled: second!.data.orderId as string };
}

/** Every ingested customer's orders as the store has them now (the direct computation's input). */
export async function storedOrders(deps: Deps, customers: number): Promise<Map<string, StoredOrder[]>> {
  const out = new Map<string, StoredOrder[]>();
  for (let i = 1; i <= customers; i++) {
    const id = await deps.customers.findIdByIdentity({ kind: 'platform', value: platformIdentity(CDNOW.platform, CDNOW.store, String(i)) });
    if (id) out.set(id, await deps.orders.listByCustomer(id));
  }
  return out;
}

/** Net revenue per UTC day of the orders (counted ones, by placed day). */
export function revenueByDay(orders: Map<string, StoredOrder[]>): Map<string, { revenue: number; orders: number }> {
  const out = new Map<string, { revenue: number; orders: number }>();
  for (const list of orders.values()) {
    for (const o of list) {
      const c = contribution(o);
      if (!c) continue;
      const e = out.get(c.day) ?? { revenue: 0, orders: 0 };
      e.revenue += c.netMinor;
      e.orders += 1;
      out.set(c.day, e);
    }
  }
  return out;
}

export async function publishedEvents(deps: Deps): Promise<EventEnvelope[]> {
  return ((await deps.publisher!()) as CapturingPublisher).events;
}

/** A deterministic shuffle (so a failure is reproducible). */
export function shuffled<T>(xs: readonly T[], seed = 7): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
