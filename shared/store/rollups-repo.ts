import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { FAMILIES, type Counters, type Family, type RollupAdd } from '../domain/analytics/rollups';
import type { Db } from './client';
import { EVENT_LOG_SHARDS, eventLogKey, eventLogPk, rollupFactKey, rollupKey, rollupMarkerKey, rollupPk, rollupRange, rollupSkParts, ROLLUP_SHARDS, shardOf } from './keys';
import type { TransactItem } from './transact';

/**
 * The analytics rollups (see shared/domain/analytics/rollups.ts): ADD updates on day counter items
 * per family, dimension and shard; the facts an order or checkout last counted (version-guarded);
 * a marker per counted event and the event log the lake export reads. Writers put these items in
 * one transaction per batch of events; readers Query one family and dimension over a period.
 */
export const ROLLUP_ENTITY = 'rollup';
export const FACTS_ENTITY = 'rollup-facts';
export const MARKER_ENTITY = 'rollup-marker';
export const EVENT_LOG_ENTITY = 'analytics-event';
/** The `all` dimension's value in keys. */
export const ALL = '*';
/** Markers outlive every redelivery: SQS keeps a message 14 days, a DLQ 14 more. */
export const MARKER_DAYS = 35;
/** The event log keeps what the lake export has not written yet, with room for reruns. */
export const EVENT_LOG_DAYS = 45;

const ATTR = /^[\x21-\x7e]{1,255}$/;
const NON_COUNTERS = new Set(['PK', 'SK', 'entity', 'family', 'dim', 'day', 'value']);

export interface RollupRow {
  day: string;
  value: string;
  counters: Counters;
}

export interface StoredFacts<T> {
  facts?: T;
  /** 0 when there is no record yet. */
  version: number;
}

export class RollupsRepo {
  constructor(private readonly db: Db) {}

  /**
   * The ADD updates of some counts, merged per item: each count goes to `all` and to each of its
   * family's dimensions, on the shard of `shardKey` (the thing counted).
   */
  updates(adds: readonly { add: RollupAdd; shardKey: string }[]): TransactItem[] {
    const merged = new Map<string, { key: { PK: string; SK: string }; family: Family; dim: string; day: string; value: string; counters: Counters }>();
    for (const { add, shardKey } of adds) {
      const shard = shardOf(shardKey, ROLLUP_SHARDS);
      const dims: [string, string][] = [['all', ALL], ...FAMILIES[add.family].map((d): [string, string] => [d, add.values[d] ?? '-'])];
      for (const [dim, value] of dims) {
        const key = rollupKey(add.family, dim, add.day, value, shard);
        const id = `${key.PK}\u0000${key.SK}`;
        const m = merged.get(id) ?? { key, family: add.family, dim, day: add.day, value, counters: {} };
        for (const [k, v] of Object.entries(add.counters)) m.counters[k] = (m.counters[k] ?? 0) + v;
        merged.set(id, m);
      }
    }
    const out: TransactItem[] = [];
    for (const m of merged.values()) {
      const entries = Object.entries(m.counters).filter(([k, v]) => v !== 0 && ATTR.test(k) && !NON_COUNTERS.has(k));
      if (!entries.length) continue;
      const names: Record<string, string> = { '#f': 'family', '#d': 'dim', '#day': 'day', '#v': 'value' };
      const values: Record<string, unknown> = { ':e': ROLLUP_ENTITY, ':f': m.family, ':d': m.dim, ':day': m.day, ':v': m.value };
      const adds = entries.map(([k, v], i) => {
        names[`#c${i}`] = k;
        values[`:c${i}`] = v;
        return `#c${i} :c${i}`;
      });
      out.push({
        Update: {
          TableName: this.db.tableName,
          Key: m.key,
          UpdateExpression: `SET entity = :e, #f = :f, #d = :d, #day = :day, #v = :v ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      });
    }
    return out;
  }

  /** Counter rows of one family and dimension over [from, to], shards summed: one Query. */
  async rows(family: Family, dim: string, from: string, to: string, opts: { consistent?: boolean } = {}): Promise<RollupRow[]> {
    const r = rollupRange(from, to);
    const byKey = new Map<string, RollupRow>();
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': rollupPk(family, dim), ':from': r.from, ':to': r.to },
          ...(opts.consistent ? { ConsistentRead: true } : {}),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of res.Items ?? []) {
        const { day, value } = rollupSkParts(item.SK as string);
        const k = `${day}\u0000${value}`;
        const row = byKey.get(k) ?? { day, value, counters: {} };
        for (const [a, v] of Object.entries(item)) if (typeof v === 'number' && !NON_COUNTERS.has(a)) row.counters[a] = (row.counters[a] ?? 0) + v;
        byKey.set(k, row);
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return [...byKey.values()].sort((a, b) => (a.day === b.day ? a.value.localeCompare(b.value) : a.day < b.day ? -1 : 1));
  }

  async facts<T>(kind: 'order' | 'checkout', platform: string, store: string, id: string): Promise<StoredFacts<T>> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: rollupFactKey(kind, platform, store, id), ConsistentRead: true }));
    if (!res.Item) return { version: 0 };
    return { facts: res.Item.facts as T, version: Number(res.Item.version ?? 0) };
  }

  /** Writes the facts a thing counts now, if nobody changed them since they were read (`version`). */
  factsPut<T>(kind: 'order' | 'checkout', platform: string, store: string, id: string, facts: T, version: number): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: { ...rollupFactKey(kind, platform, store, id), entity: FACTS_ENTITY, facts, version: version + 1 },
        ConditionExpression: version === 0 ? 'attribute_not_exists(PK)' : 'version = :v',
        ...(version === 0 ? {} : { ExpressionAttributeValues: { ':v': version } }),
      },
    };
  }

  /** The marker of a counted event: the transaction fails when it exists (the event was counted). */
  markerPut(eventId: string, nowMs: number): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: { ...rollupMarkerKey(eventId), entity: MARKER_ENTITY, ttl: Math.floor(nowMs / 1000) + MARKER_DAYS * 86_400 },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  /** The event in the log of the day it arrived (what the lake export writes). */
  logPut(event: { id: string; type: string; occurredAt: string; subject?: string; data: unknown }, nowMs: number): TransactItem {
    const day = new Date(nowMs).toISOString().slice(0, 10);
    return {
      Put: {
        TableName: this.db.tableName,
        Item: { ...eventLogKey(day, event.id), entity: EVENT_LOG_ENTITY, type: event.type, occurredAt: event.occurredAt, subject: event.subject ?? '', data: JSON.stringify(event.data), receivedAt: new Date(nowMs).toISOString(), ttl: Math.floor(nowMs / 1000) + EVENT_LOG_DAYS * 86_400 },
      },
    };
  }

  /** Every event logged on `day`: one Query per shard. */
  async eventsOfDay(day: string): Promise<{ id: string; type: string; occurredAt: string; subject: string; receivedAt: string; data: Record<string, unknown> }[]> {
    const out: { id: string; type: string; occurredAt: string; subject: string; receivedAt: string; data: Record<string, unknown> }[] = [];
    for (let shard = 0; shard < EVENT_LOG_SHARDS; shard++) {
      let start: Record<string, unknown> | undefined;
      do {
        const res = await this.db.doc.send(new QueryCommand({ TableName: this.db.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': eventLogPk(day, shard) }, ...(start ? { ExclusiveStartKey: start } : {}) }));
        for (const i of res.Items ?? []) out.push({ id: i.SK as string, type: i.type as string, occurredAt: i.occurredAt as string, subject: (i.subject as string) ?? '', receivedAt: i.receivedAt as string, data: JSON.parse(i.data as string) as Record<string, unknown> });
        start = res.LastEvaluatedKey;
      } while (start);
    }
    return out.sort((a, b) => (a.receivedAt === b.receivedAt ? a.id.localeCompare(b.id) : a.receivedAt < b.receivedAt ? -1 : 1));
  }
}
