import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredOrder } from '../../domain/orders';
import type { Db } from '../../store/client';
import { CUSTOMER_ENTITY } from '../../store/customer-items';
import { customerIdFromPk, SK } from '../../store/keys';
import { STATE_ENTITY } from '../../store/membership-repo';
import { AGGREGATES_ENTITY, ORDER_ENTITY, orderFromItem } from '../../store/orders-repo';

/**
 * The full pass's read: one parallel Scan of the table keeping the customer partitions' profiles,
 * derived state, aggregates and orders (a daily job, never a request path; the same kind of read as
 * the value-model fit). Items arrive per page; `onItem` sees each, grouped by customer id.
 */
export type ScannedItem =
  | { kind: 'profile'; customerId: string; item: Record<string, unknown> }
  | { kind: 'state'; customerId: string; item: Record<string, unknown> }
  | { kind: 'aggregates'; customerId: string; item: Record<string, unknown> }
  | { kind: 'order'; customerId: string; order: StoredOrder };

export async function scanCustomerItems(db: Db, onItem: (i: ScannedItem) => void, segments = 8): Promise<{ scanned: number; kept: number }> {
  let scanned = 0;
  let kept = 0;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let start: Record<string, unknown> | undefined;
      do {
        const res = await db.doc.send(
          new ScanCommand({
            TableName: db.tableName,
            Segment: segment,
            TotalSegments: segments,
            FilterExpression: 'entity IN (:c, :s, :a, :o)',
            ExpressionAttributeValues: { ':c': CUSTOMER_ENTITY, ':s': STATE_ENTITY, ':a': AGGREGATES_ENTITY, ':o': ORDER_ENTITY },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        scanned += res.ScannedCount ?? 0;
        for (const item of res.Items ?? []) {
          const customerId = customerIdFromPk(item.PK as string);
          if (!customerId) continue;
          kept++;
          if (item.entity === ORDER_ENTITY) onItem({ kind: 'order', customerId, order: orderFromItem(item) });
          else if (item.SK === SK.profile) onItem({ kind: 'profile', customerId, item });
          else if (item.SK === SK.state) onItem({ kind: 'state', customerId, item });
          else if (item.SK === SK.aggregates) onItem({ kind: 'aggregates', customerId, item });
        }
        start = res.LastEvaluatedKey;
      } while (start);
    }),
  );
  return { scanned, kept };
}
