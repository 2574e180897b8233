import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import type { SlaPolicy } from '../domain/service/sla';
import { DEFAULT_SETTINGS, type ServiceSettings } from '../domain/service/settings';
import type { Db } from './client';
import { SERVICE_SETTINGS_KEY, SLA_POLICIES_PK, slaListKeys, slaPolicyKey, slaPositionKey, stripKeys } from './keys';
import { transactWrite, type TransactItem } from './transact';

/**
 * SLA policies (listed in matching order on GSI1, each position claimed by one policy) and the
 * service settings item.
 */
export const SLA_POLICY_ENTITY = 'sla-policy';

export class SlaRepo {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<SlaPolicy | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: slaPolicyKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<SlaPolicy>(res.Item) : undefined;
  }

  /** Every policy, in matching order (a handful: one query). */
  async all(): Promise<SlaPolicy[]> {
    const out: SlaPolicy[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({ TableName: this.db.tableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': SLA_POLICIES_PK }, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      out.push(...(res.Items ?? []).map((i) => stripKeys<SlaPolicy>(i)));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * Writes a policy over the version it was read at (or new), moving its position claim when the
   * position changed; 409 naming the policy that holds the position.
   */
  async save(before: SlaPolicy | undefined, after: SlaPolicy): Promise<void> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.db.tableName,
          Item: { ...slaPolicyKey(after.id), entity: SLA_POLICY_ENTITY, ...after, ...slaListKeys(after.position, after.id) },
          ...(before
            ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': before.version } }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      },
    ];
    if (!before || before.position !== after.position) {
      items.push({
        Put: {
          TableName: this.db.tableName,
          Item: { ...slaPositionKey(after.position), entity: 'sla-position', policyId: after.id },
          ConditionExpression: 'attribute_not_exists(PK) OR policyId = :id',
          ExpressionAttributeValues: { ':id': after.id },
        },
      });
      if (before) items.push({ Delete: { TableName: this.db.tableName, Key: slaPositionKey(before.position), ConditionExpression: 'policyId = :id', ExpressionAttributeValues: { ':id': after.id } } });
    }
    await transactWrite(this.db, items, (failed) => {
      const position = failed.find((f) => f.index === 1);
      if (position) return new ConflictError(`Position ${after.position} is taken by SLA policy ${position.item?.policyId}; positions order the policies and must be unique.`, { field: 'position', policyId: position.item?.policyId });
      return new ConflictError(`SLA policy ${after.id} was changed by someone else; read it again and retry.`, { reason: 'version' });
    });
  }

  async remove(p: SlaPolicy): Promise<void> {
    await transactWrite(
      this.db,
      [
        { Delete: { TableName: this.db.tableName, Key: slaPolicyKey(p.id), ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': p.version } } },
        { Delete: { TableName: this.db.tableName, Key: slaPositionKey(p.position) } },
      ],
      () => new ConflictError(`SLA policy ${p.id} was changed by someone else; read it again and retry.`, { reason: 'version' }),
    );
  }

  async settings(): Promise<ServiceSettings> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: SERVICE_SETTINGS_KEY, ConsistentRead: true }));
    return { ...DEFAULT_SETTINGS, ...(res.Item ? stripKeys<Partial<ServiceSettings>>(res.Item) : {}) };
  }

  async saveSettings(s: ServiceSettings, expectedVersion: number): Promise<void> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...SERVICE_SETTINGS_KEY, entity: 'service-settings', ...s },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') throw new ConflictError('The settings were changed by someone else; read them again and retry.', { reason: 'version' });
      throw e;
    }
  }
}
