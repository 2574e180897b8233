import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '../domain/errors';
import type { NotificationKind } from '../domain/service/notifications';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { NOTIFICATION_PREFIX, notificationKey, notificationPk, stripKeys } from './keys';
import type { TransactItem } from './transact';

/**
 * An agent's notifications (reminders, mentions, assignments, SLA warnings and breaches,
 * escalations), newest first. The id is derived from the cause, so a handler that runs twice
 * writes the same notification twice, not two. Kept 90 days.
 */
export { NOTIFICATION_KINDS, type NotificationKind } from '../domain/service/notifications';

export interface Notification {
  id: string;
  agentId: string;
  kind: NotificationKind;
  title: string;
  ticketId?: string;
  taskId?: string;
  read: boolean;
  createdAt: string;
  readAt?: string;
}

const TTL_SECONDS = 90 * 86_400;

export class NotificationsRepo {
  constructor(private readonly db: Db) {}

  put(n: Notification): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: { ...notificationKey(n.agentId, n.id), entity: 'notification', ...n, ttl: Math.floor(Date.parse(n.createdAt) / 1000) + TTL_SECONDS },
      },
    };
  }

  async list(agentId: string, opts: { unread?: boolean; limit: number; cursor?: string }): Promise<{ items: Notification[]; cursor?: string }> {
    const pk = notificationPk(agentId);
    const start = decodeCursor(opts.cursor, { PK: pk }, ['PK', 'SK']);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ...(opts.unread ? { FilterExpression: '#r = :f', ExpressionAttributeNames: { '#r': 'read' } } : {}),
        ExpressionAttributeValues: { ':pk': pk, ':p': NOTIFICATION_PREFIX, ...(opts.unread ? { ':f': false } : {}) },
        ScanIndexForward: false,
        Limit: opts.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => stripKeys<Notification>(i)), ...(next ? { cursor: next } : {}) };
  }

  async markRead(agentId: string, id: string, at: string): Promise<Notification> {
    try {
      const res = await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: notificationKey(agentId, id),
          UpdateExpression: 'SET #r = :t, readAt = if_not_exists(readAt, :at)',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#r': 'read' },
          ExpressionAttributeValues: { ':t': true, ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return stripKeys<Notification>(res.Attributes!);
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') throw new NotFoundError('Notification', id);
      throw e;
    }
  }
}
