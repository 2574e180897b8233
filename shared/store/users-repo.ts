import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Agent, Group } from '../domain/service/agents';
import type { User, UserStatus } from '../domain/users';
import { AGENT_ENTITY, GROUP_ENTITY } from './agents-repo';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { agentKey, agentListKeys, groupKey, groupListKeys, stripKeys, userEmailKey, userKey, userListKeys, userStatusPk, USERS_ALL_PK } from './keys';
import type { TransactItem } from './transact';

/**
 * Staff users: one item per user keyed by their `sub`, a claim per e-mail (by keyed hash) that
 * keeps addresses unique, GSI1 by status and GSI2 for everyone. Writes are transaction items, so
 * a user's change and their agent record (manager, name, active) commit together.
 */
export const USER_ENTITY = 'user';
export const USER_EMAIL_ENTITY = 'user-email';

/** What the HTTP kernel needs of a caller's record (a small projection read once a minute per container). */
export interface CallerRecord {
  id: string;
  status: UserStatus;
  roles: User['roles'];
}

export class UsersRepo {
  constructor(private readonly db: Db) {}

  async get(sub: string): Promise<User | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: userKey(sub), ConsistentRead: true }));
    return res.Item ? stripKeys<User>(res.Item) : undefined;
  }

  /** The caller check's read: eventually consistent, three attributes (0.5 RCU). */
  async caller(sub: string): Promise<CallerRecord | undefined> {
    const res = await this.db.doc.send(
      new GetCommand({
        TableName: this.db.tableName,
        Key: userKey(sub),
        ProjectionExpression: '#i, #s, #r',
        ExpressionAttributeNames: { '#i': 'id', '#s': 'status', '#r': 'roles' },
      }),
    );
    return res.Item as CallerRecord | undefined;
  }

  /** The sub holding an e-mail claim, if any. */
  async subOfEmail(emailHash: string): Promise<string | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: userEmailKey(emailHash), ConsistentRead: true }));
    return res.Item?.sub as string | undefined;
  }

  async list(opts: { status?: UserStatus; limit: number; cursor?: string }): Promise<{ items: User[]; cursor?: string }> {
    const [index, pkAttr, skAttr, pk] = opts.status ? (['GSI1', 'GSI1PK', 'GSI1SK', userStatusPk(opts.status)] as const) : (['GSI2', 'GSI2PK', 'GSI2SK', USERS_ALL_PK] as const);
    const start = decodeCursor(opts.cursor, { [pkAttr]: pk }, ['PK', 'SK', pkAttr, skAttr]);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': pkAttr },
        ExpressionAttributeValues: { ':pk': pk },
        Limit: opts.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => stripKeys<User>(i)), ...(next ? { cursor: next } : {}) };
  }

  /** A new user and their e-mail claim (both must not exist yet; the claim may already name this sub after a retried invite). */
  createItems(u: User, emailHash: string): TransactItem[] {
    return [
      { Put: { TableName: this.db.tableName, Item: this.item(u), ConditionExpression: 'attribute_not_exists(PK)' } },
      {
        Put: {
          TableName: this.db.tableName,
          Item: { ...userEmailKey(emailHash), entity: USER_EMAIL_ENTITY, sub: u.id },
          ConditionExpression: 'attribute_not_exists(PK) OR #sub = :sub',
          ExpressionAttributeNames: { '#sub': 'sub' },
          ExpressionAttributeValues: { ':sub': u.id },
        },
      },
    ];
  }

  /** The user replaced, if still at `expectedVersion`. */
  replaceItem(u: User, expectedVersion: number): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: this.item(u),
        ConditionExpression: '#v = :v',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':v': expectedVersion },
      },
    };
  }

  /** An agent record created (`expectedVersion` 0) or replaced at the version read, in the user's transaction. */
  agentItem(a: Agent, expectedVersion: number): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: { ...agentKey(a.id), entity: AGENT_ENTITY, ...a, ...agentListKeys(a.id) },
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
      },
    };
  }

  /** A service group replaced at the version read (a new member added by an invite). */
  groupItem(g: Group, expectedVersion: number): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: { ...groupKey(g.id), entity: GROUP_ENTITY, ...g, ...groupListKeys(g.id) },
        ConditionExpression: '#v = :v',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':v': expectedVersion },
      },
    };
  }

  private item(u: User): Record<string, unknown> {
    return { ...userKey(u.id), entity: USER_ENTITY, ...u, ...userListKeys(u) };
  }
}
