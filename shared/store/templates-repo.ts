import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { Template, TemplateVersion } from '../domain/messaging/templates';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { stripKeys, TEMPLATE_VERSION_PREFIX, templateKey, templateListKeys, templatePk, TEMPLATES_PK, templateVersionKey } from './keys';
import { transactWrite } from './transact';

/**
 * Templates: a head item (name, channel, current version, status) and one immutable item per
 * version in the template's partition. A new version and the head's move to it are one
 * transaction guarded by the version the editor read, so two editors cannot both make version 3.
 */
export const TEMPLATE_ENTITY = 'template';
export const TEMPLATE_VERSION_ENTITY = 'template-version';

const VERSION_CACHE_SIZE = 500;

export class TemplatesRepo {
  /** Versions never change: the send path keeps the ones it read (bounded). */
  private readonly versionCache = new Map<string, TemplateVersion>();
  private readonly headCache = new Map<string, { at: number; value: Template | undefined }>();

  constructor(private readonly db: Db) {}

  /** The head as read within `maxAgeMs` (the send path: an edit or archive shows at once in this process, within seconds elsewhere). */
  async getCached(id: string, maxAgeMs: number, nowMs = Date.now()): Promise<Template | undefined> {
    const hit = this.headCache.get(id);
    if (hit && nowMs - hit.at < maxAgeMs) return hit.value;
    const value = await this.get(id);
    if (this.headCache.size >= VERSION_CACHE_SIZE) this.headCache.clear();
    this.headCache.set(id, { at: nowMs, value });
    return value;
  }

  async versionCached(id: string, version: number): Promise<TemplateVersion | undefined> {
    const key = `${id}#${version}`;
    const hit = this.versionCache.get(key);
    if (hit) return hit;
    const v = await this.version(id, version);
    if (v) {
      if (this.versionCache.size >= VERSION_CACHE_SIZE) this.versionCache.delete(this.versionCache.keys().next().value!);
      this.versionCache.set(key, v);
    }
    return v;
  }

  async create(t: Template, v: TemplateVersion): Promise<void> {
    const { tableName } = this.db;
    await transactWrite(
      this.db,
      [
        { Put: { TableName: tableName, Item: { ...templateKey(t.id), ...templateListKeys(t.id), entity: TEMPLATE_ENTITY, ...t }, ConditionExpression: 'attribute_not_exists(PK)' } },
        { Put: { TableName: tableName, Item: { ...templateVersionKey(t.id, v.version), entity: TEMPLATE_VERSION_ENTITY, ...v }, ConditionExpression: 'attribute_not_exists(PK)' } },
      ],
      () => new ConflictError(`Template ${t.id} exists already.`),
    );
  }

  /** The head moves to the new version only if it is still at `expectedVersion` (409 otherwise). */
  async addVersion(next: Template, v: TemplateVersion, expectedVersion: number): Promise<void> {
    this.headCache.delete(next.id);
    const { tableName } = this.db;
    await transactWrite(
      this.db,
      [
        {
          Put: {
            TableName: tableName,
            Item: { ...templateKey(next.id), ...templateListKeys(next.id), entity: TEMPLATE_ENTITY, ...next },
            ConditionExpression: 'currentVersion = :v AND #st = :active',
            ExpressionAttributeNames: { '#st': 'status' },
            ExpressionAttributeValues: { ':v': expectedVersion, ':active': 'active' },
          },
        },
        { Put: { TableName: tableName, Item: { ...templateVersionKey(next.id, v.version), entity: TEMPLATE_VERSION_ENTITY, ...v }, ConditionExpression: 'attribute_not_exists(PK)' } },
      ],
      (failed) => {
        const head = failed[0]?.item;
        if (head?.status === 'archived') return new ConflictError(`Template ${next.id} is archived; archived templates are read-only.`, { rule: 'template-archived' });
        return new ConflictError(`The template is at version ${head?.currentVersion ?? '?'}, not ${expectedVersion}; read it again and retry.`, { currentVersion: head?.currentVersion, rule: 'template-version' });
      },
    );
  }

  /** Replaces the head only (rename, archive), guarded by the version read. */
  async putHead(next: Template, expectedVersion: number): Promise<void> {
    this.headCache.delete(next.id);
    await transactWrite(
      this.db,
      [
        {
          Put: {
            TableName: this.db.tableName,
            Item: { ...templateKey(next.id), ...templateListKeys(next.id), entity: TEMPLATE_ENTITY, ...next },
            ConditionExpression: 'currentVersion = :v',
            ExpressionAttributeValues: { ':v': expectedVersion },
          },
        },
      ],
      (failed) => new ConflictError(`The template is at version ${failed[0]?.item?.currentVersion ?? '?'}, not ${expectedVersion}; read it again and retry.`, { rule: 'template-version' }),
    );
  }

  async get(id: string): Promise<Template | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: templateKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<Template>(res.Item) : undefined;
  }

  async require(id: string): Promise<Template> {
    const t = await this.get(id);
    if (!t) throw new NotFoundError('Template', id);
    return t;
  }

  async version(id: string, version: number): Promise<TemplateVersion | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: templateVersionKey(id, version) }));
    return res.Item ? stripKeys<TemplateVersion>(res.Item) : undefined;
  }

  /** Every version, newest first (one Query of the template's partition). */
  async versions(id: string): Promise<TemplateVersion[]> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :v)',
        ExpressionAttributeValues: { ':pk': templatePk(id), ':v': TEMPLATE_VERSION_PREFIX },
        ScanIndexForward: false,
      }),
    );
    return (res.Items ?? []).map((i) => stripKeys<TemplateVersion>(i));
  }

  /** Templates newest first, page by page. */
  async list(limit: number, cursor?: string): Promise<{ items: Template[]; cursor?: string }> {
    const start = decodeCursor(cursor, { GSI1PK: TEMPLATES_PK }, ['PK', 'SK', 'GSI1PK', 'GSI1SK']);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': TEMPLATES_PK },
        ScanIndexForward: false,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => stripKeys<Template>(i)), ...(next ? { cursor: next } : {}) };
  }
}
