import { makeEvent, type EventEnvelope } from '../../events/envelope';
import { stableId } from '../../runtime/ports';

/**
 * Profiles the ingest worker creates are written without a transaction (identity claims first,
 * then the profile; see CustomersRepo.createClaimFirst), so their CustomerCreated comes from the
 * stream: the first write of such a profile (INSERT, `createdVia: 'ingest'`) is the event.
 */
export function customerCreatedEvent(image: Record<string, unknown>): EventEnvelope | undefined {
  if (image.createdVia !== 'ingest' || typeof image.id !== 'string' || typeof image.createdAt !== 'string') return undefined;
  const sourceChannel = typeof image.sourceChannel === 'string' ? image.sourceChannel : undefined;
  return makeEvent(
    'CustomerCreated',
    { customerId: image.id, ...(sourceChannel ? { sourceChannel } : {}) },
    {
      id: stableId(Date.parse(image.createdAt), `customer-created:${image.id}`),
      occurredAt: image.createdAt,
      correlationId: typeof image.correlationId === 'string' ? image.correlationId : `customer:${image.id}`,
    },
  );
}
