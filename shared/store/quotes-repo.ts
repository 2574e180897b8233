import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Quote } from '../domain/sales/quote';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { oppQuotesPk, QUOTE_SEQ_KEY, quoteKey, quoteListKeys, stripKeys } from './keys';
import type { Page } from './leads-repo';
import type { TransactItem } from './transact';

/** Quotes: one item each, listed per opportunity by number and revision (GSI1). */
export const QUOTE_ENTITY = 'quote';
const toQuote = (i: Record<string, unknown>) => stripKeys<Quote>(i);

export class QuotesRepo {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<Quote | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: quoteKey(id), ConsistentRead: true }));
    return res.Item ? toQuote(res.Item) : undefined;
  }

  put(before: Quote | undefined, after: Quote): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: { ...quoteKey(after.id), entity: QUOTE_ENTITY, ...after, ...quoteListKeys(after.opportunityId, after.number, after.revision, after.id) },
        ...(before
          ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': before.version } }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    };
  }

  /** An opportunity's quotes, newest number and revision first. */
  async ofOpportunity(opportunityId: string, limit: number, cursor?: string): Promise<Page<Quote>> {
    const pk = oppQuotesPk(opportunityId);
    const start = decodeCursor(cursor, { GSI1PK: pk }, ['PK', 'SK', 'GSI1PK', 'GSI1SK']);
    const res = await this.db.doc.send(
      new QueryCommand({ TableName: this.db.tableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': pk }, ScanIndexForward: false, Limit: limit, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map(toQuote), ...(next ? { cursor: next } : {}) };
  }

  /** The next quote number (gaps are possible when a create fails after taking one). */
  async nextNumber(): Promise<number> {
    const res = await this.db.doc.send(
      new UpdateCommand({ TableName: this.db.tableName, Key: QUOTE_SEQ_KEY, UpdateExpression: 'SET entity = :e ADD n :one', ExpressionAttributeValues: { ':e': 'sequence', ':one': 1 }, ReturnValues: 'UPDATED_NEW' }),
    );
    return res.Attributes?.n as number;
  }
}
