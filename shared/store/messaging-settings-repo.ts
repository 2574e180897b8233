import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import { DEFAULT_MESSAGING_SETTINGS, type MessagingSettings } from '../domain/messaging/settings';
import type { Db } from './client';
import { MESSAGING_SETTINGS_KEY, stripKeys } from './keys';

/** The messaging settings: one item, replaced whole under its version (0 = never saved: the defaults). */
export class MessagingSettingsRepo {
  private cache?: { at: number; value: MessagingSettings };

  constructor(private readonly db: Db) {}

  async get(opts: { maxAgeMs?: number; nowMs?: number } = {}): Promise<MessagingSettings> {
    const now = opts.nowMs ?? Date.now();
    if (opts.maxAgeMs && this.cache && now - this.cache.at < opts.maxAgeMs) return this.cache.value;
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: MESSAGING_SETTINGS_KEY, ConsistentRead: true }));
    const stored = res.Item ? stripKeys<Partial<MessagingSettings>>(res.Item) : {};
    const value = mergeDefaults(stored);
    this.cache = { at: now, value };
    return value;
  }

  async put(next: MessagingSettings, expectedVersion: number): Promise<void> {
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...MESSAGING_SETTINGS_KEY, entity: 'messaging-settings', ...next },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(PK)' : 'version = :v',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
      this.cache = undefined;
    } catch (e) {
      if ((e as { name?: string }).name !== 'ConditionalCheckFailedException') throw e;
      const current = await this.get();
      throw new ConflictError(`The messaging settings are at version ${current.version}, not ${expectedVersion}; read them again and retry.`, { currentVersion: current.version });
    }
  }
}

function mergeDefaults(s: Partial<MessagingSettings>): MessagingSettings {
  const d = DEFAULT_MESSAGING_SETTINGS;
  return {
    ...d,
    ...s,
    frequencyCaps: { ...d.frequencyCaps, ...s.frequencyCaps },
    quietHours: { ...d.quietHours, ...s.quietHours },
    email: { ...d.email, ...s.email },
    sms: { ...d.sms, ...s.sms },
    webhook: { ...d.webhook, ...s.webhook },
    tracking: { ...d.tracking, ...s.tracking },
    version: s.version ?? 0,
  };
}
