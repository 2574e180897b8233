import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import { DEFAULT_VALUE_CONFIG, type SegmentDef, type TagDef, type ValueConfig } from '../domain/segmentation/definitions';
import type { Db } from './client';
import { SEGMENT_DEFS_PK, segmentDefKey, stripKeys, TAG_DEFS_PK, tagDefKey, VALUE_CONFIG_KEY } from './keys';

export const SEGMENT_ENTITY = 'segment';
export const TAG_ENTITY = 'tag';
export const VALUE_CONFIG_ENTITY = 'value-config';

const isConditionFailure = (e: unknown) => (e as { name?: string }).name === 'ConditionalCheckFailedException';

/** Segments, the tag catalog and the value settings: small, read whole, written with a version guard. */
export class DefinitionsRepo {
  constructor(private readonly db: Db) {}

  private async all<T>(pk: string): Promise<T[]> {
    const out: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({ TableName: this.db.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      out.push(...(res.Items ?? []).map((i) => stripKeys<T>(i)));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  private async one<T>(key: Record<string, string>): Promise<T | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: key, ConsistentRead: true }));
    return res.Item ? stripKeys<T>(res.Item) : undefined;
  }

  /** Put guarded by the version read (`previous` undefined: must not exist yet). */
  private async guardedPut(key: Record<string, string>, entity: string, item: object & { version: number }, previous: number | undefined, what: string): Promise<void> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...key, entity, ...item },
          ...(previous === undefined
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': previous } }),
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw new ConflictError(previous === undefined ? `${what} already exists.` : `${what} was changed meanwhile; read it again and retry.`);
      throw e;
    }
  }

  listSegments(): Promise<SegmentDef[]> {
    return this.all<SegmentDef>(SEGMENT_DEFS_PK);
  }
  getSegment(id: string): Promise<SegmentDef | undefined> {
    return this.one<SegmentDef>(segmentDefKey(id));
  }
  putSegment(s: SegmentDef, previousVersion?: number): Promise<void> {
    return this.guardedPut(segmentDefKey(s.id), SEGMENT_ENTITY, s, previousVersion, `Segment ${s.id}`);
  }
  async deleteSegment(id: string): Promise<void> {
    await this.db.doc.send(new DeleteCommand({ TableName: this.db.tableName, Key: segmentDefKey(id) }));
  }

  listTags(): Promise<TagDef[]> {
    return this.all<TagDef>(TAG_DEFS_PK);
  }
  getTag(name: string): Promise<TagDef | undefined> {
    return this.one<TagDef>(tagDefKey(name));
  }
  putTag(t: TagDef, previousVersion?: number): Promise<void> {
    return this.guardedPut(tagDefKey(t.name), TAG_ENTITY, t, previousVersion, `Tag ${t.name}`);
  }
  async deleteTag(name: string): Promise<void> {
    await this.db.doc.send(new DeleteCommand({ TableName: this.db.tableName, Key: tagDefKey(name) }));
  }

  async valueConfig(): Promise<ValueConfig> {
    return (await this.one<ValueConfig>(VALUE_CONFIG_KEY)) ?? DEFAULT_VALUE_CONFIG;
  }
  /** Writes the settings computed from version `previous` (0: none stored yet). */
  putValueConfig(c: ValueConfig, previous: number): Promise<void> {
    return this.guardedPut(VALUE_CONFIG_KEY, VALUE_CONFIG_ENTITY, c, previous === 0 ? undefined : previous, 'The value settings');
  }
}
