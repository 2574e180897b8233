import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client';
import { rateCounterKey } from './keys';

export const RATE_COUNTER_ENTITY = 'rate-counter';
/**
 * The only attributes a counter write names. The AWS grant of the read-only HTTP functions allows
 * UpdateItem on `RATE#` partitions naming exactly these (dynamodb:Attributes), so keep them in step.
 */
export const RATE_COUNTER_ATTRIBUTES = ['PK', 'SK', 'entity', 'requests', 'ttl'] as const;

/**
 * Machine clients' request counters: one item per client per window (`RATE#<clientId>` /
 * `W#<window start>`), `requests` counted with ADD, `ttl` so the table removes old windows.
 */
export class RateCountersRepo {
  constructor(private readonly db: Db) {}

  /**
   * Counts one request in the window unless it already holds `limit`: one UpdateItem, conditional
   * and atomic, so concurrent containers never count past the limit. Answers the count including
   * this request, or undefined when the window is full (nothing written). Other errors propagate.
   */
  async take(clientId: string, windowStartIso: string, limit: number, ttlEpochSeconds: number): Promise<number | undefined> {
    try {
      const res = await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: rateCounterKey(clientId, windowStartIso),
          UpdateExpression: 'ADD #r :one SET #e = :entity, #t = :ttl',
          ConditionExpression: 'attribute_not_exists(#r) OR #r < :limit',
          ExpressionAttributeNames: { '#r': 'requests', '#e': 'entity', '#t': 'ttl' },
          ExpressionAttributeValues: { ':one': 1, ':entity': RATE_COUNTER_ENTITY, ':ttl': ttlEpochSeconds, ':limit': limit },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const n = res.Attributes?.requests;
      return typeof n === 'number' ? n : Number(n);
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') return undefined;
      throw e;
    }
  }
}
