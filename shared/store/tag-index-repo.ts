import { BatchWriteCommand, QueryCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client';
import { TAG_SHARDS, tagMemberKey, tagMembersPk } from './keys';

export const TAG_MEMBER_ENTITY = 'tag-member';

/**
 * Who has a tag: one index item per tag and customer, kept from the profiles' tags by the stream
 * relay (adding or removing an item is idempotent, and a customer's records arrive in order).
 */
export class TagIndexRepo {
  constructor(private readonly db: Db) {}

  async apply(customerId: string, added: readonly string[], removed: readonly string[]): Promise<void> {
    const requests: unknown[] = [
      ...added.map((tag) => ({ PutRequest: { Item: { ...tagMemberKey(tag, customerId), entity: TAG_MEMBER_ENTITY, tag, customerId } } })),
      ...removed.map((tag) => ({ DeleteRequest: { Key: tagMemberKey(tag, customerId) } })),
    ];
    for (let i = 0; i < requests.length; i += 25) {
      let batch: unknown[] | undefined = requests.slice(i, i + 25);
      for (let attempt = 0; batch && batch.length; attempt++) {
        const res: BatchWriteCommandOutput = await this.db.doc.send(new BatchWriteCommand({ RequestItems: { [this.db.tableName]: batch as never } }));
        batch = res.UnprocessedItems?.[this.db.tableName];
        if (batch?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }

  /** Customers with a tag, by id, merged over the shards; the cursor is the last id. */
  async members(tag: string, limit: number, after?: string): Promise<{ items: string[]; cursor?: string }> {
    const pages = await Promise.all(
      Array.from({ length: TAG_SHARDS }, (_, shard) =>
        this.db.doc.send(
          new QueryCommand({
            TableName: this.db.tableName,
            KeyConditionExpression: after ? 'PK = :pk AND SK > :after' : 'PK = :pk',
            ExpressionAttributeValues: { ':pk': tagMembersPk(tag, shard), ...(after ? { ':after': after } : {}) },
            Limit: limit,
          }),
        ),
      ),
    );
    const all = pages.flatMap((p) => (p.Items ?? []).map((i) => i.customerId as string)).sort();
    const items = all.slice(0, limit);
    const more = all.length > limit || pages.some((p) => p.LastEvaluatedKey);
    return { items, ...(more && items.length ? { cursor: items[items.length - 1]! } : {}) };
  }

  async count(tag: string): Promise<number> {
    const counts = await Promise.all(
      Array.from({ length: TAG_SHARDS }, async (_, shard) => {
        let n = 0;
        let start: Record<string, unknown> | undefined;
        do {
          const res = await this.db.doc.send(
            new QueryCommand({ TableName: this.db.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': tagMembersPk(tag, shard) }, Select: 'COUNT', ...(start ? { ExclusiveStartKey: start } : {}) }),
          );
          n += res.Count ?? 0;
          start = res.LastEvaluatedKey;
        } while (start);
        return n;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }
}
