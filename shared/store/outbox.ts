import type { EventEnvelope } from '../events/envelope';
import { eventPk, SK } from './keys';
import type { TransactItem } from './transact';

/**
 * Transactional outbox: the event is written in the same transaction as the change it describes.
 * The table's stream carries it to the relay (functions/workers/outbox-relay.ts), which publishes
 * it; the item expires after a week.
 */
export const OUTBOX_ENTITY = 'event';
const OUTBOX_TTL_SECONDS = 7 * 86_400;

export function outboxPut(tableName: string, event: EventEnvelope): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: {
        PK: eventPk(event.id),
        SK: SK.event,
        entity: OUTBOX_ENTITY,
        event,
        ttl: Math.floor(Date.parse(event.occurredAt) / 1000) + OUTBOX_TTL_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}
