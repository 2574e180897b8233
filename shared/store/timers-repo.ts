import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client';
import { TIMER_SHARDS, TIMER_SWEEP_KEY, timerDueKeys, timerDuePk, timerDueRange, timerKey } from './keys';

export const TIMER_ENTITY = 'timer';
const TIMER_TTL_SECONDS = 7 * 86_400;

/** Something to do at an instant. `kind` picks the handler; `key` names the thing it is about. */
export interface Timer {
  kind: string;
  key: string;
  /** ISO instant, millisecond precision. */
  dueAt: string;
  payload?: Record<string, unknown>;
}

const isConditionFailure = (e: unknown) => (e as { name?: string }).name === 'ConditionalCheckFailedException';

/** Timer items with their sparse due index (see keys.ts), the sweep checkpoint, and the fired marks. */
export class TimersRepo {
  constructor(private readonly db: Db) {}

  /** Records a timer; the same kind, key and instant again is the same timer. */
  async put(t: Timer): Promise<void> {
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: { ...timerKey(t.dueAt, t.kind, t.key), ...timerDueKeys(t.dueAt, t.kind, t.key), entity: TIMER_ENTITY, ...t, ttl: Math.floor(Date.parse(t.dueAt) / 1000) + TIMER_TTL_SECONDS },
        ConditionExpression: 'attribute_not_exists(firedAt)',
      }),
    ).catch((e) => {
      if (!isConditionFailure(e)) throw e; // already fired: nothing to record
    });
  }

  /** Unfired timers due in [from, to] (ISO instants), every shard, in due order. */
  async due(from: string, to: string): Promise<Timer[]> {
    const range = timerDueRange(from, to);
    const shards = await Promise.all(
      Array.from({ length: TIMER_SHARDS }, async (_, shard) => {
        const out: Timer[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const res = await this.db.doc.send(
            new QueryCommand({
              TableName: this.db.tableName,
              IndexName: 'GSI2',
              KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK BETWEEN :from AND :to',
              ExpressionAttributeValues: { ':pk': timerDuePk(shard), ':from': range.from, ':to': range.to },
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
          for (const i of res.Items ?? []) out.push({ kind: i.kind, key: i.key, dueAt: i.dueAt, ...(i.payload ? { payload: i.payload } : {}) });
          start = res.LastEvaluatedKey;
        } while (start);
        return out;
      }),
    );
    return shards.flat().sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0));
  }

  /** Marks a timer fired; false when it already was (the exactly-once guard). */
  async markFired(t: Timer, at: string): Promise<boolean> {
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: timerKey(t.dueAt, t.kind, t.key),
          UpdateExpression: 'SET firedAt = :at, entity = :e, kind = :k, #key = :key, dueAt = :due, #ttl = :ttl REMOVE GSI2PK, GSI2SK',
          ConditionExpression: 'attribute_not_exists(firedAt)',
          ExpressionAttributeNames: { '#key': 'key', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':at': at, ':e': TIMER_ENTITY, ':k': t.kind, ':key': t.key, ':due': t.dueAt, ':ttl': Math.floor(Date.parse(t.dueAt) / 1000) + TIMER_TTL_SECONDS },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async isFired(t: Timer): Promise<boolean> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: timerKey(t.dueAt, t.kind, t.key), ConsistentRead: true, ProjectionExpression: 'firedAt' }));
    return !!res.Item?.firedAt;
  }

  /** The last minute the sweep queued in full. */
  async sweptUntil(): Promise<string | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: TIMER_SWEEP_KEY, ConsistentRead: true }));
    return res.Item?.until as string | undefined;
  }

  /** Moves the sweep checkpoint from `from` to `to`; false when another sweep moved it meanwhile. */
  async advanceSweep(from: string | undefined, to: string): Promise<boolean> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...TIMER_SWEEP_KEY, entity: 'timer-sweep', until: to },
          ...(from ? { ConditionExpression: '#u = :from', ExpressionAttributeNames: { '#u': 'until' }, ExpressionAttributeValues: { ':from': from } } : { ConditionExpression: 'attribute_not_exists(PK)' }),
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}
