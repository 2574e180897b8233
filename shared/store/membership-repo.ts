import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../domain/customer';
import { ConflictError } from '../domain/errors';
import { EMPTY_AGGREGATES, type Aggregates } from '../domain/orders';
import type { CustomerState } from '../domain/segmentation/definitions';
import type { EventEnvelope } from '../events/envelope';
import type { Db } from './client';
import { customerFromItem } from './customer-items';
import { customerPk, SEGMENT_SHARDS, segmentMembersPk, segmentRefKeys, SK, stripKeys } from './keys';
import { outboxPut } from './outbox';
import { segmentShardPage } from './segment-members';
import { transactWrite, type TransactItem } from './transact';

export const STATE_ENTITY = 'customer-state';
export const SEGMENT_REF_ENTITY = 'segment-ref';

/** What the engine reads of a customer: one Query of the header items of their partition. */
export interface CustomerHeader {
  profile?: Customer;
  aggregates: Aggregates;
  state?: CustomerState;
  memberships: string[];
}

export interface Evaluation {
  customerId: string;
  /** The state read (its version guards the write); undefined when there was none. */
  before?: CustomerState;
  state: CustomerState;
  /** New tags for the profile, written only when `profileVersion` is given. */
  tags?: { list: string[]; profileVersion: number; now: string };
  entered: string[];
  exited: string[];
  events: EventEnvelope[];
}

const TRANSACTION_LIMIT = 100;

/** Customer state, segment refs (the membership) and the member lists of segments. */
export class MembershipRepo {
  constructor(private readonly db: Db) {}

  async header(customerId: string): Promise<CustomerHeader> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :h)',
        ExpressionAttributeValues: { ':pk': customerPk(customerId), ':h': '~' },
        ConsistentRead: true,
      }),
    );
    const out: CustomerHeader = { aggregates: EMPTY_AGGREGATES, memberships: [] };
    for (const item of res.Items ?? []) {
      const sk = item.SK as string;
      if (sk === SK.profile) out.profile = customerFromItem(item);
      else if (sk === SK.aggregates) {
        const { streamSeq: _s, ...agg } = stripKeys<Aggregates & { streamSeq?: string }>(item);
        out.aggregates = agg;
      } else if (sk === SK.state) out.state = stripKeys<CustomerState>(item);
      else if (sk.startsWith(SK.segmentRefPrefix)) out.memberships.push(item.segmentId as string);
    }
    return out;
  }

  /**
   * Writes one evaluation: the state (guarded by the version read), the refs entered and exited,
   * the profile's new tags (guarded by the profile version), and the events, in one transaction
   * (chunked past 100 items, the state last, so a retry finishes what a crash left).
   */
  async apply(e: Evaluation): Promise<void> {
    const { tableName } = this.db;
    const pk = customerPk(e.customerId);
    const items: TransactItem[] = [
      ...e.entered.map((segmentId): TransactItem => ({ Put: { TableName: tableName, Item: { ...segmentRefKeys(e.customerId, segmentId), entity: SEGMENT_REF_ENTITY, segmentId, customerId: e.customerId, enteredAt: e.state.evaluatedAt } } })),
      ...e.exited.map((segmentId): TransactItem => {
        const { PK, SK: sk } = segmentRefKeys(e.customerId, segmentId);
        return { Delete: { TableName: tableName, Key: { PK, SK: sk } } };
      }),
      ...e.events.map((evt) => outboxPut(tableName, evt)),
    ];
    if (e.tags) {
      items.push({
        Update: {
          TableName: tableName,
          Key: { PK: pk, SK: SK.profile },
          UpdateExpression: 'SET tags = :tags, updatedAt = :now, #v = :next',
          ConditionExpression: '#v = :v AND #s = :active AND attribute_not_exists(mergeLock)',
          ExpressionAttributeNames: { '#v': 'version', '#s': 'status' },
          ExpressionAttributeValues: { ':tags': e.tags.list, ':now': e.tags.now, ':v': e.tags.profileVersion, ':next': e.tags.profileVersion + 1, ':active': 'active' },
        },
      });
    }
    const statePut: TransactItem = {
      Put: {
        TableName: tableName,
        Item: { PK: pk, SK: SK.state, entity: STATE_ENTITY, ...e.state },
        ...(e.before
          ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': e.before.version } }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    };
    const chunks: TransactItem[][] = [];
    for (let i = 0; i < items.length; i += TRANSACTION_LIMIT - 1) chunks.push(items.slice(i, i + TRANSACTION_LIMIT - 1));
    if (chunks.length === 0) chunks.push([]);
    chunks[chunks.length - 1]!.push(statePut);
    for (const chunk of chunks) await transactWrite(this.db, chunk, () => new ConflictError('The customer changed while being evaluated; evaluate again.'));
  }

  /** Members of a segment, by customer id, merged over the shards; the cursor is the last id. */
  async members(segmentId: string, limit: number, after?: string): Promise<{ items: string[]; cursor?: string }> {
    const pages = await Promise.all(Array.from({ length: SEGMENT_SHARDS }, (_, shard) => segmentShardPage(this.db, segmentId, shard, after, limit)));
    const all = pages.flatMap((p) => p.ids).sort();
    const items = all.slice(0, limit);
    const more = all.length > limit || pages.some((p) => p.more);
    return { items, ...(more && items.length ? { cursor: items[items.length - 1]! } : {}) };
  }

  /** How many customers are in a segment (COUNT over the shards). */
  async count(segmentId: string): Promise<number> {
    const counts = await Promise.all(
      Array.from({ length: SEGMENT_SHARDS }, async (_, shard) => {
        let n = 0;
        let start: Record<string, unknown> | undefined;
        do {
          const res = await this.db.doc.send(
            new QueryCommand({
              TableName: this.db.tableName,
              IndexName: 'GSI1',
              KeyConditionExpression: 'GSI1PK = :pk',
              ExpressionAttributeValues: { ':pk': segmentMembersPk(segmentId, shard) },
              Select: 'COUNT',
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
          n += res.Count ?? 0;
          start = res.LastEvaluatedKey;
        } while (start);
        return n;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }
}
