import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client';

/**
 * BatchGetItem over any number of keys (100 per call, calls side by side), unprocessed keys
 * retried with backoff; returns the items found, in no particular order.
 */
export async function batchGet(db: Db, keys: readonly Record<string, string>[], opts: { consistent?: boolean; projection?: string; names?: Record<string, string> } = {}): Promise<Record<string, unknown>[]> {
  const chunks: Record<string, string>[][] = [];
  for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
  const pages = await Promise.all(
    chunks.map(async (chunk) => {
      const out: Record<string, unknown>[] = [];
      let pending: Record<string, unknown>[] | undefined = chunk;
      for (let attempt = 0; pending && pending.length; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
        const res: BatchGetCommandOutput = await db.doc.send(
          new BatchGetCommand({
            RequestItems: {
              [db.tableName]: {
                Keys: pending,
                ...(opts.consistent ? { ConsistentRead: true } : {}),
                ...(opts.projection ? { ProjectionExpression: opts.projection } : {}),
                ...(opts.names ? { ExpressionAttributeNames: opts.names } : {}),
              },
            },
          }),
        );
        out.push(...(res.Responses?.[db.tableName] ?? []));
        pending = res.UnprocessedKeys?.[db.tableName]?.Keys;
      }
      return out;
    }),
  );
  return pages.flat();
}
