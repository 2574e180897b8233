import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client';
import { STATS_PK, statsDayRange } from './keys';

/**
 * Reads of other features' counters that the analytics reports need per day rather than summed:
 * the service desk's day counters (shared/store/service-stats-repo.ts keeps them; its `days()`
 * sums a range, the trend needs each day). One Query of the service stats partition, read only.
 */
export class AnalyticsSourcesRepo {
  constructor(private readonly db: Db) {}

  /** Service day counters over [fromDay, toDay] (the service report's local days), shards summed per day. */
  async serviceDays(fromDay: string, toDay: string): Promise<Map<string, Record<string, number>>> {
    const r = statsDayRange(fromDay, toDay);
    const out = new Map<string, Record<string, number>>();
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({ TableName: this.db.tableName, KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to', ExpressionAttributeValues: { ':pk': STATS_PK, ':from': r.from, ':to': r.to }, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      for (const item of res.Items ?? []) {
        // Day items are `D#<day>#<shard>` (statsDayKey).
        const day = (item.SK as string).slice(2, 12);
        const c = out.get(day) ?? {};
        for (const [k, v] of Object.entries(item)) if (typeof v === 'number' && k !== 'PK' && k !== 'SK') c[k] = (c[k] ?? 0) + v;
        out.set(day, c);
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
