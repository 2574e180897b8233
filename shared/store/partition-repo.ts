import { BatchWriteCommand, QueryCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../domain/customer';
import type { CustomerState } from '../domain/segmentation/definitions';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { Interaction, TimelineEntry } from '../domain/interaction';
import type { EventEnvelope } from '../events/envelope';
import type { Db } from './client';
import { customerFromItem } from './customer-items';
import { decodeCursor, encodeCursor } from './cursor';
import { customerPk, SK, stripKeys, timelineSk } from './keys';
import { outboxPut } from './outbox';
import { transactWrite } from './transact';
import { ORDER_ENTITY, orderFromItem } from './orders-repo';
import { orderTimelineEntry } from '../domain/orders';

export const TIMELINE_ENTITY = 'timeline';

/** Everything the 360 view shows, from one Query of the customer's partition. */
export interface CustomerView {
  profile: Customer;
  aggregates: Record<string, unknown>;
  /** What the segmentation engine derived last (the `~STATE` item), without its bookkeeping; absent before the first evaluation. */
  derived?: Omit<CustomerState, 'version' | 'timerAt'>;
  segments: string[];
  openTickets: Record<string, unknown>[];
  timeline: TimelineEntry[];
}

const VIEW_QUERY_LIMIT = 150;

/** Items that live in a customer's partition: timeline, aggregates, refs of later features. */
export class PartitionRepo {
  constructor(private readonly db: Db) {}

  async logInteraction(interaction: Interaction, entry: TimelineEntry, event: EventEnvelope): Promise<void> {
    await transactWrite(
      this.db,
      [
        {
          ConditionCheck: {
            TableName: this.db.tableName,
            Key: { PK: customerPk(interaction.customerId), SK: SK.profile },
            ConditionExpression: '#s = :active',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':active': 'active' },
          },
        },
        {
          Put: {
            TableName: this.db.tableName,
            Item: { PK: customerPk(interaction.customerId), SK: timelineSk(entry.id), entity: TIMELINE_ENTITY, ...entry, interaction },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        outboxPut(this.db.tableName, event),
      ],
      (failed) => {
        const profile = failed[0]?.item;
        if (profile?.status === 'merged') return new ConflictError(`Customer ${interaction.customerId} was merged into ${profile.mergedInto}.`, { mergedInto: profile.mergedInto });
        return new NotFoundError('Customer', interaction.customerId);
      },
    );
  }

  async timeline(customerId: string, limit: number, cursor?: string): Promise<{ items: TimelineEntry[]; cursor?: string }> {
    const pk = customerPk(customerId);
    const start = decodeCursor(cursor, { PK: pk }, ['PK', 'SK']);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': SK.timelinePrefix, ':to': SK.timelineEnd },
        ScanIndexForward: false,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map(toEntry), ...(next ? { cursor: next } : {}) };
  }

  /** One descending Query: header items (`~...`) come first, then the newest timeline entries. */
  async view(customerId: string, timelineLimit: number): Promise<CustomerView | undefined> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': customerPk(customerId) },
        ScanIndexForward: false,
        Limit: VIEW_QUERY_LIMIT,
      }),
    );
    const view: Partial<CustomerView> & { segments: string[]; openTickets: Record<string, unknown>[]; timeline: TimelineEntry[] } = {
      aggregates: {},
      segments: [],
      openTickets: [],
      timeline: [],
    };
    for (const item of res.Items ?? []) {
      const sk = item.SK as string;
      if (sk === SK.profile) view.profile = customerFromItem(item);
      else if (sk === SK.aggregates) view.aggregates = stripKeys(item);
      else if (sk === SK.state) {
        const { version: _v, timerAt: _t, ...derived } = stripKeys<CustomerState>(item);
        view.derived = derived;
      } else if (sk.startsWith(SK.segmentRefPrefix)) view.segments.push(item.segmentId as string);
      else if (sk.startsWith(SK.ticketRefPrefix)) view.openTickets.push(stripKeys(item));
      else if (sk.startsWith(SK.timelinePrefix) && view.timeline.length < timelineLimit) view.timeline.push(toEntry(item));
    }
    return view.profile ? (view as CustomerView) : undefined;
  }

  /** Every item of the partition except the profile (used by merge and purge). */
  async partitionItems(customerId: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': customerPk(customerId) },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      out.push(...(res.Items ?? []).filter((i) => i.SK !== SK.profile));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * Removes a deleted profile for good: first every other item of the partition, then the profile
   * with its event in one transaction, so a crash half-way leaves it in the bin to be swept again.
   */
  async purge(customer: Customer, event: EventEnvelope): Promise<void> {
    const rest = await this.partitionItems(customer.id);
    for (let i = 0; i < rest.length; i += 25) {
      let requests: unknown[] | undefined = rest.slice(i, i + 25).map((it) => ({ DeleteRequest: { Key: { PK: it.PK, SK: it.SK } } }));
      for (let attempt = 0; requests && requests.length > 0; attempt++) {
        const res: BatchWriteCommandOutput = await this.db.doc.send(new BatchWriteCommand({ RequestItems: { [this.db.tableName]: requests as never } }));
        requests = res.UnprocessedItems?.[this.db.tableName];
        if (requests?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
    await transactWrite(
      this.db,
      [
        {
          Delete: {
            TableName: this.db.tableName,
            Key: { PK: customerPk(customer.id), SK: SK.profile },
            ConditionExpression: '#s = :deleted AND #v = :v',
            ExpressionAttributeNames: { '#s': 'status', '#v': 'version' },
            ExpressionAttributeValues: { ':deleted': 'deleted', ':v': customer.version },
          },
        },
        outboxPut(this.db.tableName, event),
      ],
      () => new NotFoundError('Deleted customer', customer.id),
    );
  }
}

function toEntry(item: Record<string, unknown>): TimelineEntry {
  if (item.entity === ORDER_ENTITY) return orderTimelineEntry(orderFromItem(item), (item.SK as string).slice(SK.timelinePrefix.length));
  const { id, kind, occurredAt, summary, data } = item as unknown as TimelineEntry;
  return { id, kind, occurredAt, summary, data };
}
