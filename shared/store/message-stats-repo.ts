import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Channel, CounterName, MessageSourceRef } from '../domain/messaging/messages';
import type { Db } from './client';
import { MESSAGE_STATS_SHARDS, messageStatsKey, messageStatsPk, shardOf } from './keys';
import type { TransactItem } from './transact';

/**
 * Counters of a message source (a campaign, a journey, care, surveys, one-off sends): in total,
 * per variant and per channel, each spread over MESSAGE_STATS_SHARDS items by message id so a
 * campaign's thousands of concurrent sends do not all write one item. The updates are ADDs that go
 * into the same transaction as the message state change they count, so each is applied exactly
 * once; reading a source's stats is one Query of its partition, summed here.
 */
export const MESSAGE_STATS_ENTITY = 'message-stats';
const SKIP_PREFIX = 'skip_';
const REVENUE_PREFIX = 'rev_';

export interface CounterDelta {
  counters?: Partial<Record<CounterName, number>>;
  skipReason?: string;
  revenue?: { currency: string; amountMinor: number };
}

export interface StatsRow {
  scope: 'total' | 'variant' | 'channel';
  name: string;
  counters: Record<string, number>;
  skippedBy: Record<string, number>;
  revenueMinor: Record<string, number>;
}

const scopeKey = (scope: StatsRow['scope'], name: string) => (scope === 'total' ? 'T' : scope === 'variant' ? `V#${name}` : `C#${name}`);

export class MessageStatsRepo {
  constructor(private readonly db: Db) {}

  /** The ADD updates counting one change of one message (total, its variant, its channel). */
  updates(source: MessageSourceRef, channel: Channel, messageId: string, delta: CounterDelta): TransactItem[] {
    const adds: [string, number][] = Object.entries(delta.counters ?? {}).filter(([, n]) => n !== 0) as [string, number][];
    if (delta.skipReason) adds.push([`${SKIP_PREFIX}${delta.skipReason}`, 1]);
    if (delta.revenue && delta.revenue.amountMinor !== 0) adds.push([`${REVENUE_PREFIX}${delta.revenue.currency}`, delta.revenue.amountMinor]);
    if (adds.length === 0) return [];
    const shard = shardOf(messageId, MESSAGE_STATS_SHARDS);
    const scopes: [StatsRow['scope'], string][] = [['total', ''], ['channel', channel]];
    if (source.variant) scopes.push(['variant', source.variant]);
    const names = Object.fromEntries(adds.map(([a], i) => [`#a${i}`, a]));
    const values = Object.fromEntries(adds.map(([, n], i) => [`:v${i}`, n]));
    return scopes.map(([scope, name]) => ({
      Update: {
        TableName: this.db.tableName,
        Key: messageStatsKey(source.kind, source.id, scopeKey(scope, name), shard),
        UpdateExpression: `SET entity = :e, #scope = :scope, #name = :name ADD ${adds.map((_, i) => `#a${i} :v${i}`).join(', ')}`,
        ExpressionAttributeNames: { ...names, '#scope': 'scope', '#name': 'name' },
        ExpressionAttributeValues: { ...values, ':e': MESSAGE_STATS_ENTITY, ':scope': scope, ':name': name },
      },
    }));
  }

  /** Every counter row of a source, shards summed: one Query (paged only past 1 MB). */
  async rows(kind: string, id: string): Promise<StatsRow[]> {
    const byScope = new Map<string, StatsRow>();
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': messageStatsPk(kind, id) },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of res.Items ?? []) {
        const scope = item.scope as StatsRow['scope'];
        const name = (item.name as string) ?? '';
        const k = `${scope}\u0000${name}`;
        let row = byScope.get(k);
        if (!row) byScope.set(k, (row = { scope, name, counters: {}, skippedBy: {}, revenueMinor: {} }));
        for (const [attr, value] of Object.entries(item)) {
          if (typeof value !== 'number') continue;
          if (attr.startsWith(SKIP_PREFIX)) row.skippedBy[attr.slice(SKIP_PREFIX.length)] = (row.skippedBy[attr.slice(SKIP_PREFIX.length)] ?? 0) + value;
          else if (attr.startsWith(REVENUE_PREFIX)) row.revenueMinor[attr.slice(REVENUE_PREFIX.length)] = (row.revenueMinor[attr.slice(REVENUE_PREFIX.length)] ?? 0) + value;
          else row.counters[attr] = (row.counters[attr] ?? 0) + value;
        }
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return [...byScope.values()];
  }
}
