import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Aggregates } from '../domain/orders';
import type { Db } from './client';
import { customerIdFromPk, SK, stripKeys } from './keys';

/**
 * Every customer's aggregates, read by a parallel Scan (the scheduled model fits and RFM cuts need
 * all buyers; a daily job, never a request path). `onPage` gets each page as it arrives.
 */
export async function scanAggregates(db: Db, onPage: (rows: { customerId: string; aggregates: Aggregates }[]) => void, segments = 8): Promise<number> {
  let total = 0;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let start: Record<string, unknown> | undefined;
      do {
        const res = await db.doc.send(
          new ScanCommand({
            TableName: db.tableName,
            Segment: segment,
            TotalSegments: segments,
            FilterExpression: 'SK = :agg',
            ExpressionAttributeValues: { ':agg': SK.aggregates },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        const rows = (res.Items ?? []).flatMap((i) => {
          const customerId = customerIdFromPk(i.PK as string);
          if (!customerId) return [];
          const { streamSeq: _s, ...aggregates } = stripKeys<Aggregates & { streamSeq?: string }>(i);
          return [{ customerId, aggregates }];
        });
        total += rows.length;
        if (rows.length) onPage(rows);
        start = res.LastEvaluatedKey;
      } while (start);
    }),
  );
  return total;
}
