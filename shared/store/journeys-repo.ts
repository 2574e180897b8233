import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import type { Journey, JourneyVersion } from '../domain/journeys/types';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import {
  JOURNEY_STATS_PREFIX,
  JOURNEY_STATS_SHARDS,
  JOURNEY_VERSION_PREFIX,
  journeyKey,
  journeyListKeys,
  journeyPk,
  journeyStatsKey,
  journeyTriggerKey,
  journeyTriggerPk,
  journeyVersionKey,
  JOURNEYS_PK,
  shardOf,
  stripKeys,
} from './keys';
import { transactWrite, type TransactItem } from './transact';

export const JOURNEY_ENTITY = 'journey';
export const JOURNEY_VERSION_ENTITY = 'journey-version';
export const JOURNEY_TRIGGER_ENTITY = 'journey-trigger';
export const JOURNEY_STATS_ENTITY = 'journey-stats';
const COUNTER = 'c:';

/** One live journey listening to a trigger: the version new entries get. */
export interface TriggerRef {
  journeyId: string;
  version: number;
}

/**
 * Journeys, their immutable versions, the trigger index (live journeys per event type, and `date`
 * for date triggers) and the stats counters. Journey changes are written with the version read
 * (409 when it moved) together with what they imply (a new version, index entries) in one
 * transaction.
 */
export class JourneysRepo {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<Journey | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: journeyKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<Journey>(res.Item) : undefined;
  }

  /** Journeys newest first, optionally of one status (a filter on the small journey list). */
  async list(limit: number, cursor?: string, status?: string): Promise<{ items: Journey[]; cursor?: string }> {
    const start = decodeCursor(cursor, { GSI1PK: JOURNEYS_PK }, ['PK', 'SK', 'GSI1PK', 'GSI1SK']);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ...(status ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' } } : {}),
        ExpressionAttributeValues: { ':pk': JOURNEYS_PK, ...(status ? { ':s': status } : {}) },
        ScanIndexForward: false,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => stripKeys<Journey>(i)), ...(next ? { cursor: next } : {}) };
  }

  /** The journey item, new (`expected` undefined) or over the version read. */
  put(j: Journey, expected: number | undefined): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: { ...journeyKey(j.id), ...journeyListKeys(j.id), entity: JOURNEY_ENTITY, ...j },
        ...(expected === undefined
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expected } }),
      },
    };
  }

  versionPut(v: JourneyVersion): TransactItem {
    return { Put: { TableName: this.db.tableName, Item: { ...journeyVersionKey(v.journeyId, v.number), entity: JOURNEY_VERSION_ENTITY, ...v }, ConditionExpression: 'attribute_not_exists(PK)' } };
  }

  triggerPut(trigger: string, ref: TriggerRef): TransactItem {
    return { Put: { TableName: this.db.tableName, Item: { ...journeyTriggerKey(trigger, ref.journeyId), entity: JOURNEY_TRIGGER_ENTITY, trigger, ...ref } } };
  }

  triggerDelete(trigger: string, journeyId: string): TransactItem {
    return { Delete: { TableName: this.db.tableName, Key: journeyTriggerKey(trigger, journeyId) } };
  }

  /** Writes a change of a journey (the first item is the journey put): 409 when it moved meanwhile. */
  async commit(items: TransactItem[], id: string): Promise<void> {
    await transactWrite(this.db, items, (failed) =>
      failed.some((f) => f.index === 0) ? new ConflictError(`Journey ${id} was changed meanwhile; read it again and retry.`, { reason: 'version' }) : new ConflictError(`Journey ${id}: a version with this number exists already.`, { reason: 'version' }),
    );
  }

  async version(id: string, n: number): Promise<JourneyVersion | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: journeyVersionKey(id, n), ConsistentRead: true }));
    return res.Item ? stripKeys<JourneyVersion>(res.Item) : undefined;
  }

  /** Published versions, newest first (a page). */
  async versions(id: string, limit: number, cursor?: string): Promise<{ items: JourneyVersion[]; cursor?: string }> {
    const start = decodeCursor(cursor, { PK: journeyPk(id) }, ['PK', 'SK']);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :v)',
        ExpressionAttributeValues: { ':pk': journeyPk(id), ':v': JOURNEY_VERSION_PREFIX },
        ScanIndexForward: false,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => stripKeys<JourneyVersion>(i)), ...(next ? { cursor: next } : {}) };
  }

  /** The live journeys listening to a trigger (an event type, or `date`). */
  async byTrigger(trigger: string): Promise<TriggerRef[]> {
    const out: TriggerRef[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({ TableName: this.db.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': journeyTriggerPk(trigger) }, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      for (const i of res.Items ?? []) out.push({ journeyId: i.journeyId as string, version: i.version as number });
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** ADDs counter deltas to one of the journey's stats shards (the enrollment's). */
  statsAdd(journeyId: string, shardKey: string, counters: Record<string, number>): TransactItem | undefined {
    const entries = Object.entries(counters).filter(([, n]) => n !== 0);
    if (entries.length === 0) return undefined;
    const names: Record<string, string> = { '#e': 'entity' };
    const values: Record<string, unknown> = { ':e': JOURNEY_STATS_ENTITY };
    const adds = entries.map(([name, n], i) => {
      names[`#c${i}`] = `${COUNTER}${name}`;
      values[`:c${i}`] = n;
      return `#c${i} :c${i}`;
    });
    return {
      Update: {
        TableName: this.db.tableName,
        Key: journeyStatsKey(journeyId, shardOf(shardKey, JOURNEY_STATS_SHARDS)),
        UpdateExpression: `SET #e = :e ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  /** The journey's counters, summed over the shards (one Query). */
  async stats(journeyId: string): Promise<Record<string, number>> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :s)',
        ExpressionAttributeValues: { ':pk': journeyPk(journeyId), ':s': JOURNEY_STATS_PREFIX },
        ConsistentRead: true,
      }),
    );
    const out: Record<string, number> = {};
    for (const item of res.Items ?? []) {
      for (const [k, v] of Object.entries(item)) if (k.startsWith(COUNTER) && typeof v === 'number') out[k.slice(COUNTER.length)] = (out[k.slice(COUNTER.length)] ?? 0) + v;
    }
    return out;
  }
}
