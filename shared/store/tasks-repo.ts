import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isOpenTask, type Task } from '../domain/service/tasks';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { stripKeys, TASK_BUCKET, taskAssigneeKeys, taskAssigneePk, taskKey } from './keys';
import type { TransactItem } from './transact';

/** Tasks; an assignee's list (GSI2) shows unfinished tasks first, soonest due first. */
export const TASK_ENTITY = 'task';

export const taskItem = (t: Task) => ({
  ...taskKey(t.id),
  entity: TASK_ENTITY,
  ...t,
  ...taskAssigneeKeys({ id: t.id, assigneeId: t.assigneeId, done: !isOpenTask(t.status), ...(t.dueAt ? { dueAt: t.dueAt } : {}) }),
});

export class TasksRepo {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<Task | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: taskKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<Task>(res.Item) : undefined;
  }

  /** Written only over the version read (or only when new: a task with a stable id is made once). */
  put(before: Task | undefined, after: Task): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: taskItem(after),
        ...(before
          ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': before.version } }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    };
  }

  /** An assignee's tasks: `active` (open, in progress, blocked; soonest due first), `done`, or all. */
  async ofAssignee(assigneeId: string, status: 'active' | 'done' | 'all', limit: number, cursor?: string): Promise<{ items: Task[]; cursor?: string }> {
    const pk = taskAssigneePk(assigneeId);
    const start = decodeCursor(cursor, { GSI2PK: pk }, ['PK', 'SK', 'GSI2PK', 'GSI2SK']);
    const prefix = status === 'active' ? TASK_BUCKET.open : status === 'done' ? TASK_BUCKET.done : undefined;
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI2',
        KeyConditionExpression: prefix ? 'GSI2PK = :pk AND begins_with(GSI2SK, :p)' : 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':p': prefix } : {}) },
        // Done tasks newest first; active ones soonest due first.
        ScanIndexForward: status !== 'done',
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => stripKeys<Task>(i)), ...(next ? { cursor: next } : {}) };
  }
}
