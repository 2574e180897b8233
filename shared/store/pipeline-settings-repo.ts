import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import { DEFAULT_PIPELINE_SETTINGS, type PipelineSettings } from '../domain/sales/settings';
import type { Db } from './client';
import { PIPELINE_SETTINGS_KEY, stripKeys } from './keys';

/** The pipeline settings: one item with a version (0 and the defaults before the first save). */
export class PipelineSettingsRepo {
  constructor(private readonly db: Db) {}

  async get(): Promise<PipelineSettings> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: PIPELINE_SETTINGS_KEY, ConsistentRead: true }));
    return res.Item ? { ...DEFAULT_PIPELINE_SETTINGS, ...stripKeys<PipelineSettings>(res.Item) } : DEFAULT_PIPELINE_SETTINGS;
  }

  /** Saves over the version read (0: the first save). */
  async put(s: PipelineSettings, expectedVersion: number): Promise<void> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...PIPELINE_SETTINGS_KEY, entity: 'pipeline-settings', ...s },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
    } catch (e) {
      if ((e as { name?: string }).name === 'ConditionalCheckFailedException') throw new ConflictError('The pipeline settings were changed by someone else; read them again and retry.', { reason: 'version' });
      throw e;
    }
  }
}
