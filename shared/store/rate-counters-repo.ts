import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimits, RateOutcome } from '../domain/rate-limit';
import type { Db } from './client';
import { rateCounterKey } from './keys';

export const RATE_COUNTER_ENTITY = 'rate-counter';
/** The attributes a counter write names besides the per-second counts `s00`..`s59`. */
const FIXED_ATTRIBUTES = ['PK', 'SK', 'entity', 'requests', 'ttl'] as const;
/** IAM StringLike pattern of the per-second counts. */
const SECOND_SLOT_PATTERN = 's??';
const isSecondSlot = (name: string) => /^s[0-5]\d$/.test(name);

/**
 * The only attributes a counter write names, as IAM StringLike patterns. The AWS grant of the
 * read-only HTTP functions allows UpdateItem on `RATE#` partitions naming only these
 * (dynamodb:Attributes), so keep them in step.
 */
export const RATE_COUNTER_ATTRIBUTES = [...FIXED_ATTRIBUTES, SECOND_SLOT_PATTERN] as const;

/** Whether an attribute name is one a counter write may name (the local IAM guard's check). */
export function isRateCounterAttribute(name: string): boolean {
  return isSecondSlot(name) || (FIXED_ATTRIBUTES as readonly string[]).includes(name);
}

const numberOf = (v: unknown): number | undefined => {
  const n = typeof v === 'object' && v !== null && 'N' in v ? Number((v as { N: string }).N) : typeof v === 'number' ? v : undefined;
  return n !== undefined && Number.isFinite(n) ? n : undefined;
};

/**
 * Machine clients' request counters: one item per client per minute (`RATE#<clientId>` /
 * `W#<window start>`), `requests` counting the minute and `s00`..`s59` each second of it (all with
 * ADD), `ttl` so the table removes old windows.
 */
export class RateCountersRepo {
  constructor(private readonly db: Db) {}

  /**
   * Counts one request in the minute and in its second (`slot`, e.g. `s07`) unless the minute
   * already holds `perMinute` or the second `perSecond`: one UpdateItem, conditional and atomic, so
   * concurrent containers never count past either limit. Answers the counts including this request,
   * or, refused (nothing written), the counts the item held, so the caller can tell which limit
   * refused. Other errors propagate.
   */
  async take(clientId: string, windowStartIso: string, slot: string, limits: RateLimits, ttlEpochSeconds: number): Promise<RateOutcome> {
    if (!isSecondSlot(slot)) throw new RangeError(`not a second slot: ${slot}`);
    try {
      const res = await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: rateCounterKey(clientId, windowStartIso),
          UpdateExpression: 'ADD #r :one, #s :one SET #e = :entity, #t = :ttl',
          ConditionExpression: '(attribute_not_exists(#r) OR #r < :perMinute) AND (attribute_not_exists(#s) OR #s < :perSecond)',
          ExpressionAttributeNames: { '#r': 'requests', '#s': slot, '#e': 'entity', '#t': 'ttl' },
          ExpressionAttributeValues: { ':one': 1, ':entity': RATE_COUNTER_ENTITY, ':ttl': ttlEpochSeconds, ':perMinute': limits.perMinute, ':perSecond': limits.perSecond },
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { taken: true, minute: numberOf(res.Attributes?.requests) ?? 1, second: numberOf(res.Attributes?.[slot]) ?? 1 };
    } catch (e) {
      if ((e as { name?: string }).name !== 'ConditionalCheckFailedException') throw e;
      // The item as it was (raw attribute values: the document client does not unmarshall errors).
      const old = (e as { Item?: Record<string, unknown> }).Item;
      return { taken: false, minute: numberOf(old?.requests), second: numberOf(old?.[slot]) };
    }
  }
}
