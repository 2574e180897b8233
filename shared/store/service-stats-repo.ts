import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Counters } from '../domain/service/stats';
import type { Db } from './client';
import { shardOf, STATS_CURRENT_PREFIX, STATS_PK, STATS_SHARDS, statsCurrentKey, statsDayKey, statsDayRange } from './keys';
import type { TransactItem } from './transact';

/**
 * Service counters: `ADD` updates written in the transaction of the change they count, on one of
 * STATS_SHARDS items chosen by the thing counted (a ticket's counters always go to the same
 * shard); reports read the current shards and the days of a period with one Query each.
 */
const ATTR = /^[\x21-\x7e]{1,255}$/;

export class ServiceStatsRepo {
  constructor(private readonly db: Db) {}

  private add(key: { PK: string; SK: string }, c: Counters): TransactItem | undefined {
    const entries = Object.entries(c).filter(([k, v]) => v !== 0 && ATTR.test(k));
    if (entries.length === 0) return undefined;
    const names: Record<string, string> = {};
    const values: Record<string, number | string> = { ':e': 'service-stats' };
    const adds = entries.map(([k, v], i) => {
      names[`#c${i}`] = k;
      values[`:c${i}`] = v;
      return `#c${i} :c${i}`;
    });
    return { Update: { TableName: this.db.tableName, Key: key, UpdateExpression: `SET entity = :e ADD ${adds.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values } };
  }

  /** The counter updates of one change: current (contribution difference) and the day's events. */
  items(shardKey: string, day: string, current: Counters, dayCounters: Counters): TransactItem[] {
    const shard = shardOf(shardKey, STATS_SHARDS);
    return [this.add(statsCurrentKey(shard), current), this.add(statsDayKey(day, shard), dayCounters)].filter((x): x is TransactItem => !!x);
  }

  private static sum(items: Record<string, unknown>[]): Counters {
    const out: Counters = {};
    for (const item of items) {
      for (const [k, v] of Object.entries(item)) {
        if (k === 'PK' || k === 'SK' || k === 'entity' || typeof v !== 'number') continue;
        out[k] = (out[k] ?? 0) + v;
      }
    }
    return out;
  }

  private async query(cond: string, values: Record<string, string>): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({ TableName: this.db.tableName, KeyConditionExpression: cond, ExpressionAttributeValues: { ':pk': STATS_PK, ...values }, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      out.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async current(): Promise<Counters> {
    return ServiceStatsRepo.sum(await this.query('PK = :pk AND begins_with(SK, :p)', { ':p': STATS_CURRENT_PREFIX }));
  }

  /** Day counters summed over [fromDay, toDay] (local dates YYYY-MM-DD). */
  async days(fromDay: string, toDay: string): Promise<Counters> {
    const r = statsDayRange(fromDay, toDay);
    return ServiceStatsRepo.sum(await this.query('PK = :pk AND SK BETWEEN :from AND :to', { ':from': r.from, ':to': r.to }));
  }
}
