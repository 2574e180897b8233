import { BatchGetCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Agent, Group } from '../domain/service/agents';
import { ConflictError } from '../domain/errors';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { agentKey, agentListKeys, AGENTS_PK, groupKey, groupListKeys, GROUPS_PK, stripKeys } from './keys';
import type { TransactItem } from './transact';

/** The agent directory and groups: one item each, small lists on GSI1, `version` on every write. */
export const AGENT_ENTITY = 'agent';
export const GROUP_ENTITY = 'group';

const isConditionFailure = (e: unknown) => (e as { name?: string }).name === 'ConditionalCheckFailedException';

export class AgentsRepo {
  constructor(private readonly db: Db) {}

  async getAgent(id: string): Promise<Agent | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: agentKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<Agent>(res.Item) : undefined;
  }

  async getAgents(ids: readonly string[]): Promise<Map<string, Agent>> {
    const out = new Map<string, Agent>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(agentKey);
      while (keys && keys.length) {
        const res = await this.db.doc.send(new BatchGetCommand({ RequestItems: { [this.db.tableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of res.Responses?.[this.db.tableName] ?? []) {
          const a = stripKeys<Agent>(item);
          out.set(a.id, a);
        }
        keys = res.UnprocessedKeys?.[this.db.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return out;
  }

  /** Creates (`expectedVersion` 0) or replaces the agent read at `expectedVersion`. */
  async putAgent(a: Agent, expectedVersion: number): Promise<void> {
    await this.put({ ...agentKey(a.id), entity: AGENT_ENTITY, ...a, ...agentListKeys(a.id) }, expectedVersion, `Agent ${a.id}`);
  }

  async getGroup(id: string): Promise<Group | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: groupKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<Group>(res.Item) : undefined;
  }

  async putGroup(g: Group, expectedVersion: number): Promise<void> {
    await this.put(this.groupItem(g), expectedVersion, `Group ${g.id}`);
  }

  groupItem(g: Group): Record<string, unknown> {
    return { ...groupKey(g.id), entity: GROUP_ENTITY, ...g, ...groupListKeys(g.id) };
  }

  /** Round-robin bookkeeping in the assignment's transaction: the group read at its version. */
  groupHandOut(g: Group, lastAssigneeId: string): TransactItem {
    return {
      Update: {
        TableName: this.db.tableName,
        Key: groupKey(g.id),
        UpdateExpression: 'SET lastAssigneeId = :a',
        ConditionExpression: '#v = :v AND (attribute_not_exists(lastAssigneeId) OR lastAssigneeId = :prev)',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':a': lastAssigneeId, ':v': g.version, ':prev': g.lastAssigneeId ?? '' },
      },
    };
  }

  private async put(item: Record<string, unknown>, expectedVersion: number, what: string): Promise<void> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: item,
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw new ConflictError(`${what} was changed by someone else (or created meanwhile); read it again and retry.`, { reason: 'version' });
      throw e;
    }
  }

  listAgents(limit: number, cursor?: string) {
    return this.list<Agent>(AGENTS_PK, limit, cursor);
  }

  listGroups(limit: number, cursor?: string) {
    return this.list<Group>(GROUPS_PK, limit, cursor);
  }

  private async list<T>(pk: string, limit: number, cursor?: string): Promise<{ items: T[]; cursor?: string }> {
    const start = decodeCursor(cursor, { GSI1PK: pk }, ['PK', 'SK', 'GSI1PK', 'GSI1SK']);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => stripKeys<T>(i)), ...(next ? { cursor: next } : {}) };
  }
}
