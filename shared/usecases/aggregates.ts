import { aggregateOrders } from '../domain/orders';
import { WriteRaceError } from '../store/orders-repo';
import { transactWrite } from '../store/transact';
import type { Ctx } from './customers';

/**
 * Rebuilds a customer's aggregates from their orders (after a merge or unmerge moved orders
 * between profiles), guarded by the version read so a concurrent order is never lost.
 */
export async function recomputeAggregates(ctx: Ctx, customerId: string): Promise<void> {
  const { deps } = ctx;
  for (let attempt = 0; ; attempt++) {
    const current = await deps.orders.aggregates(customerId);
    const orders = await deps.orders.listByCustomer(customerId);
    const next = aggregateOrders(orders, deps.clock.now().toISOString().slice(0, 10), current.version);
    try {
      await transactWrite(deps.db, [deps.orders.aggregatesPut(customerId, next, current.version)], () => new WriteRaceError('aggregates changed'));
      return;
    } catch (e) {
      if (!(e instanceof WriteRaceError) || attempt >= 8) throw e;
    }
  }
}
