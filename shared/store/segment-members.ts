import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client';
import { segmentMembersPk } from './keys';

/**
 * One page of one shard of a segment's member index (GSI1), by customer id after `after`: the read
 * both the segment member list and a campaign's fan-out are built on.
 */
export async function segmentShardPage(db: Db, segmentId: string, shard: number, after: string | undefined, limit: number): Promise<{ ids: string[]; more: boolean; next?: string }> {
  const res = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: after ? 'GSI1PK = :pk AND GSI1SK > :after' : 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': segmentMembersPk(segmentId, shard), ...(after ? { ':after': after } : {}) },
      Limit: limit,
    }),
  );
  const ids = (res.Items ?? []).map((i) => i.customerId as string);
  return { ids, more: !!res.LastEvaluatedKey, ...(res.LastEvaluatedKey ? { next: res.LastEvaluatedKey.GSI1SK as string } : {}) };
}
