import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { IngestSource } from '../domain/ingest';
import type { Db } from './client';
import { DELIVERY_SK, deliveryPk } from './keys';

/**
 * The webhook receivers' dedup read: has this delivery been ingested already? The marker item is
 * written by the ingest worker in the same transaction as the delivery's effects, never by the
 * receiver, so a delivery queued but not yet processed (or lost with a crash) is never taken for
 * a duplicate. One GetItem on the key only (projection of PK): 0.5 RCU.
 */
export async function deliverySeen(db: Db, source: IngestSource, sourceId: string, deliveryId: string): Promise<boolean> {
  const res = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: { PK: deliveryPk(source, sourceId, deliveryId), SK: DELIVERY_SK },
      ProjectionExpression: 'PK',
    }),
  );
  return res.Item !== undefined;
}
