import { BatchWriteCommand, type BatchWriteCommandOutput, PutCommand } from '@aws-sdk/lib-dynamodb';
import { scrubbed } from '../../domain/privacy';
import type { Db } from '../../store/client';
import { queryAll } from '../../store/query-all';
import type { Ctx } from '../customers';

/** Small helpers over raw items for the privacy jobs: everything of a partition, and scrubbed rewrites. */
export const partitionOf = (db: Db, pk: string) => queryAll(db, { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true });

/** JSON with object keys sorted: the same record read back in another attribute order compares equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

/** Writes `next` over `item` unless nothing changed; returns whether it wrote. */
export async function rewrite(db: Db, item: Record<string, unknown>, next: Record<string, unknown>): Promise<boolean> {
  if (canonical(item) === canonical(next)) return false;
  await db.doc.send(new PutCommand({ TableName: db.tableName, Item: next }));
  return true;
}

export async function deleteAll(db: Db, keys: readonly { PK: unknown; SK: unknown }[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 25) {
    let requests: unknown[] | undefined = keys.slice(i, i + 25).map((k) => ({ DeleteRequest: { Key: { PK: k.PK, SK: k.SK } } }));
    for (let attempt = 0; requests?.length; attempt++) {
      const res: BatchWriteCommandOutput = await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.tableName]: requests as never } }));
      requests = res.UnprocessedItems?.[db.tableName];
      if (requests?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
    }
  }
}

const KEY_FIELDS = new Set(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'entity', 'ttl']);
/** A scrubbed copy of a raw item: keys and layout attributes kept as they are. */
export function scrubItem(item: Record<string, unknown>): Record<string, unknown> {
  const keys: Record<string, unknown> = {};
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) (KEY_FIELDS.has(k) ? keys : data)[k] = v;
  return { ...scrubbed(data), ...keys };
}

/** Rewrites each item scrubbed (free text blanked, contact fields dropped); returns how many changed. */
export async function scrubAll(ctx: Ctx, items: readonly Record<string, unknown>[]): Promise<number> {
  let n = 0;
  for (const item of items) if (await rewrite(ctx.deps.db, item, scrubItem(item))) n++;
  return n;
}
