import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Counters } from '../domain/sales/stats';
import type { Db } from './client';
import { PIPE_SNAPSHOT_PREFIX, PIPE_STATS_PK, PIPE_STATS_SHARDS, pipeDayKey, pipeDayRange, pipeSnapshotKey, RECEIVABLES_PK, receivablesKey, shardOf } from './keys';
import type { TransactItem } from './transact';

/**
 * Pipeline counters (see shared/domain/sales/stats.ts): `ADD` updates in the transaction of the
 * change they count, on one of PIPE_STATS_SHARDS items chosen by the opportunity; reports read
 * the snapshot shards and a period's day items with one Query each, and the receivables with one
 * Query of the per-rep items.
 */
const ATTR = /^[\x21-\x7e]{1,255}$/;

function sum(items: Record<string, unknown>[]): Counters {
  const out: Counters = {};
  for (const item of items) {
    for (const [k, v] of Object.entries(item)) {
      if (k === 'PK' || k === 'SK' || k === 'entity' || typeof v !== 'number') continue;
      out[k] = (out[k] ?? 0) + v;
    }
  }
  return out;
}

export class PipelineStatsRepo {
  constructor(private readonly db: Db) {}

  private add(key: { PK: string; SK: string }, c: Counters, entity: string, extra: Record<string, string> = {}): TransactItem | undefined {
    const entries = Object.entries(c).filter(([k, v]) => v !== 0 && ATTR.test(k));
    if (entries.length === 0) return undefined;
    const names: Record<string, string> = {};
    const values: Record<string, number | string> = { ':e': entity };
    const sets = ['entity = :e', ...Object.keys(extra).map((k, i) => `#x${i} = :x${i}`)];
    Object.entries(extra).forEach(([k, v], i) => {
      names[`#x${i}`] = k;
      values[`:x${i}`] = v;
    });
    const adds = entries.map(([k, v], i) => {
      names[`#c${i}`] = k;
      values[`:c${i}`] = v;
      return `#c${i} :c${i}`;
    });
    return { Update: { TableName: this.db.tableName, Key: key, UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values } };
  }

  /** The counter updates of one opportunity change: the snapshot difference and counters by local day. */
  items(opportunityId: string, snapshot: Counters, byDay: Record<string, Counters>): TransactItem[] {
    const shard = shardOf(opportunityId, PIPE_STATS_SHARDS);
    const merged: Record<string, Counters> = {};
    for (const [day, c] of Object.entries(byDay)) merged[day] = { ...(merged[day] ?? {}), ...c };
    return [this.add(pipeSnapshotKey(shard), snapshot, 'pipeline-stats'), ...Object.entries(merged).map(([day, c]) => this.add(pipeDayKey(day, shard), c, 'pipeline-stats'))].filter((x): x is TransactItem => !!x);
  }

  /** Receivables moves: per rep, outstanding amounts by due date (`<date>|<currency>`). */
  receivables(byRep: Record<string, Counters>): TransactItem[] {
    return Object.entries(byRep)
      .map(([rep, c]) => this.add(receivablesKey(rep), c, 'pipeline-receivables', { repId: rep }))
      .filter((x): x is TransactItem => !!x);
  }

  private async query(pk: string, cond: string, values: Record<string, string>): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({ TableName: this.db.tableName, KeyConditionExpression: cond, ExpressionAttributeValues: { ':pk': pk, ...values }, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      out.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async snapshot(): Promise<Counters> {
    return sum(await this.query(PIPE_STATS_PK, 'PK = :pk AND begins_with(SK, :p)', { ':p': PIPE_SNAPSHOT_PREFIX }));
  }

  /** Day counters over [fromDay, toDay], summed per day. */
  async days(fromDay: string, toDay: string): Promise<Map<string, Counters>> {
    const r = pipeDayRange(fromDay, toDay);
    const items = await this.query(PIPE_STATS_PK, 'PK = :pk AND SK BETWEEN :from AND :to', { ':from': r.from, ':to': r.to });
    const byDay = new Map<string, Record<string, unknown>[]>();
    for (const i of items) {
      const day = (i.SK as string).slice(2, 12);
      byDay.set(day, [...(byDay.get(day) ?? []), i]);
    }
    return new Map([...byDay].map(([d, list]) => [d, sum(list)]));
  }

  async receivablesByRep(): Promise<{ repId: string; counters: Counters }[]> {
    const items = await this.query(RECEIVABLES_PK, 'PK = :pk', {});
    return items.map((i) => ({ repId: i.repId as string, counters: sum([i]) }));
  }
}
