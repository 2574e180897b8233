import { duplicateReasons } from '../../shared/domain/customer';
import { normalizeName } from '../../shared/domain/identity';
import { eventConsumer } from '../../shared/events/consumer';

/** Lists duplicate candidates for review when a profile appears or changes (查重). Idempotent per pair. */
export const CONSUMES = ['CustomerCreated', 'CustomerUpdated', 'CustomerRestored', 'CustomerUnmerged'] as const;

export const handler = eventConsumer('duplicate-detector', CONSUMES, async (event, { deps, log }) => {
  const id = 'customerId' in event.data ? event.data.customerId : undefined;
  if (!id) return;
  const customer = await deps.customers.get(id);
  if (!customer || customer.status !== 'active' || !customer.name) return;
  const name = normalizeName(customer.name);
  const { items } = await deps.customers.searchByNamePrefix(`${name}#`, 50);
  const now = deps.clock.now().toISOString();
  for (const other of items) {
    const reasons = duplicateReasons(customer, other);
    if (reasons.length && (await deps.duplicates.record(customer.id, other.id, reasons, now))) {
      log.info('duplicate candidate recorded', { otherId: other.id, reasons });
    }
  }
});
