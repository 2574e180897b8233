import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from './campaign-batch-get';
import type { Db } from './client';
import { customerPk, lastCampaignMessageKey, SK } from './keys';
import { segmentShardPage } from './segment-members';

const conditionFailed = (e: unknown) => (e as { name?: string }).name === 'ConditionalCheckFailedException';

/**
 * What a campaign reads of its audience: the member index of a segment shard by shard (the
 * fan-out's parts), the segment refs, time zones and last campaign messages of a page of customers
 * (BatchGetItem), and the last campaign message a customer was sent (the "no other campaign in N
 * days" exclusion), kept by the delivery.
 */
export class CampaignAudienceRepo {
  constructor(private readonly db: Db) {}

  /** One page of one shard of a segment's member index, by customer id after `after`. */
  async segmentShardPage(segmentId: string, shard: number, after: string | undefined, limit: number): Promise<{ ids: string[]; next?: string }> {
    const { ids, next } = await segmentShardPage(this.db, segmentId, shard, after, limit);
    return { ids, ...(next !== undefined ? { next } : {}) };
  }

  /** Which of these customers are in any of these segments (their `~SEG#` refs, read consistently). */
  async inSegments(customerIds: readonly string[], segmentIds: readonly string[]): Promise<Set<string>> {
    if (customerIds.length === 0 || segmentIds.length === 0) return new Set();
    const keys = customerIds.flatMap((c) => segmentIds.map((s) => ({ PK: customerPk(c), SK: `${SK.segmentRefPrefix}${s}` })));
    const items = await batchGet(this.db, keys, { consistent: true, projection: 'PK' });
    return new Set(items.map((i) => (i.PK as string).slice(customerPk('').length)));
  }

  /** The customers' IANA time zones, where their profile has one. */
  async timeZones(customerIds: readonly string[]): Promise<Map<string, string>> {
    if (customerIds.length === 0) return new Map();
    const items = await batchGet(this.db, customerIds.map((c) => ({ PK: customerPk(c), SK: SK.profile })), { projection: 'PK, #tz', names: { '#tz': 'timeZone' } });
    const out = new Map<string, string>();
    for (const i of items) if (typeof i.timeZone === 'string') out.set((i.PK as string).slice(customerPk('').length), i.timeZone);
    return out;
  }

  /** When each of these customers last got a campaign message, and from which campaign. */
  async lastCampaignMessages(customerIds: readonly string[]): Promise<Map<string, { at: string; campaignId: string }>> {
    if (customerIds.length === 0) return new Map();
    const items = await batchGet(this.db, customerIds.map(lastCampaignMessageKey));
    return new Map(items.map((i) => [i.customerId as string, { at: i.at as string, campaignId: i.campaignId as string }]));
  }

  /** Records a campaign message sent to a customer (keeps the latest). */
  async markCampaignMessage(customerId: string, campaignId: string, at: string): Promise<void> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...lastCampaignMessageKey(customerId), entity: 'campaign-last-message', customerId, campaignId, at, ttl: Math.floor(Date.parse(at) / 1000) + 400 * 86_400 },
          ConditionExpression: 'attribute_not_exists(PK) OR #at < :at',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (e) {
      if (!conditionFailed(e)) throw e;
    }
  }
}
