import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client';
import { cohortKey, COHORTS_PK, seriesKey, seriesPk, SNAPSHOT_INDEX_KEY, SNAPSHOT_STATE_PK, snapshotStateKey } from './keys';

/**
 * What the analytics full pass writes and the reports read: series per granularity and slice (one
 * item per bucket, values in one map), the state of the customer base per snapshot day, the
 * retention cohorts per first-order month, and an index of the slices. A run rewrites only the
 * buckets whose values changed (read the range, compare, batch-write the difference).
 */
export const SERIES_ENTITY = 'analytics-series';
export const STATE_ENTITY = 'analytics-state';
export const COHORT_ENTITY = 'analytics-cohort';

export type Gran = 'd' | 'w' | 'm';
export type Values = Record<string, number>;

export interface SnapshotIndex {
  asOf: string;
  runId: string;
  baseCurrency: string;
  stores: string[];
  channels: string[];
  /** First day of the daily series. */
  since: string;
  /** When the pass ran: a pass taken on (or before) its own `asOf` day saw only part of that day. */
  takenAt?: string;
}

async function queryAll(db: Db, input: { pk: string; from?: string; to?: string; desc?: boolean; limit?: number }): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  const cond = input.from !== undefined && input.to !== undefined ? 'PK = :pk AND SK BETWEEN :from AND :to' : input.to !== undefined ? 'PK = :pk AND SK <= :to' : 'PK = :pk';
  do {
    const res = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: cond,
        ExpressionAttributeValues: { ':pk': input.pk, ...(input.from !== undefined && input.to !== undefined ? { ':from': input.from } : {}), ...(input.to !== undefined ? { ':to': input.to } : {}) },
        ...(input.desc ? { ScanIndexForward: false } : {}),
        ...(input.limit ? { Limit: input.limit } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    out.push(...(res.Items ?? []));
    start = input.limit && out.length >= input.limit ? undefined : res.LastEvaluatedKey;
  } while (start);
  return out;
}

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

async function batchWrite(db: Db, all: WriteRequest[]): Promise<void> {
  for (let i = 0; i < all.length; i += 25) {
    let requests = all.slice(i, i + 25);
    for (let attempt = 0; requests.length; attempt++) {
      const res = await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.tableName]: requests } }));
      requests = (res.UnprocessedItems?.[db.tableName] ?? []) as WriteRequest[];
      if (requests.length) {
        if (attempt >= 8) throw new Error(`${requests.length} series items stayed unprocessed`);
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }
}

const batchPut = (db: Db, items: Record<string, unknown>[]) => batchWrite(db, items.map((Item) => ({ PutRequest: { Item } })));

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export class AnalyticsSnapshotsRepo {
  constructor(private readonly db: Db) {}

  /** Buckets [from, to] of a series: one Query. */
  async series(gran: Gran, slice: string, from: string, to: string): Promise<Map<string, Values>> {
    const items = await queryAll(this.db, { pk: seriesPk(gran, slice), from, to });
    return new Map(items.map((i) => [i.SK as string, (i.v as Values) ?? {}]));
  }

  /**
   * Makes the stored buckets of a series in [from, to] equal `rows`: writes those whose values
   * differ, deletes stored ones no longer in `rows`; returns how many items were written or deleted.
   */
  async writeSeries(gran: Gran, slice: string, rows: ReadonlyMap<string, Values>, range?: { from: string; to: string }): Promise<number> {
    const keys = [...rows.keys()].sort();
    const from = range?.from ?? keys[0];
    const to = range?.to ?? keys[keys.length - 1];
    if (from === undefined || to === undefined) return 0;
    const stored = await this.series(gran, slice, from, to);
    const changed = keys.filter((k) => !same(stored.get(k), rows.get(k)));
    const gone = [...stored.keys()].filter((k) => !rows.has(k));
    await batchWrite(this.db, [
      ...changed.map((bucket) => ({ PutRequest: { Item: { ...seriesKey(gran, slice, bucket), entity: SERIES_ENTITY, v: rows.get(bucket) } } })),
      ...gone.map((bucket) => ({ DeleteRequest: { Key: seriesKey(gran, slice, bucket) } })),
    ]);
    return changed.length + gone.length;
  }

  async putState(day: string, state: Record<string, unknown>): Promise<void> {
    await this.db.doc.send(new PutCommand({ TableName: this.db.tableName, Item: { ...snapshotStateKey(day), entity: STATE_ENTITY, state: JSON.stringify(state) } }));
  }

  /** The last state snapshot on or before `day`. */
  async stateOnOrBefore<T>(day: string): Promise<{ day: string; state: T } | undefined> {
    const [item] = await queryAll(this.db, { pk: SNAPSHOT_STATE_PK, to: day, desc: true, limit: 1 });
    return item ? { day: item.SK as string, state: JSON.parse(item.state as string) as T } : undefined;
  }

  async putCohorts(rows: readonly { month: string }[]): Promise<number> {
    const stored = new Map((await queryAll(this.db, { pk: COHORTS_PK })).map((i) => [i.SK as string, i.row as string]));
    const changed = rows.filter((r) => stored.get(r.month) !== JSON.stringify(r));
    await batchPut(this.db, changed.map((r) => ({ ...cohortKey(r.month), entity: COHORT_ENTITY, row: JSON.stringify(r) })));
    return changed.length;
  }

  async cohorts<T>(fromMonth: string, toMonth: string): Promise<T[]> {
    return (await queryAll(this.db, { pk: COHORTS_PK, from: fromMonth, to: toMonth })).map((i) => JSON.parse(i.row as string) as T);
  }

  async putIndex(index: SnapshotIndex): Promise<void> {
    await this.db.doc.send(new PutCommand({ TableName: this.db.tableName, Item: { ...SNAPSHOT_INDEX_KEY, entity: 'analytics-index', ...index } }));
  }

  async index(): Promise<SnapshotIndex | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: SNAPSHOT_INDEX_KEY }));
    if (!res.Item) return undefined;
    const { PK: _p, SK: _s, entity: _e, ...rest } = res.Item;
    return rest as SnapshotIndex;
  }
}
