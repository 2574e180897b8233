import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Campaign, CampaignStatus } from '../domain/campaigns/campaign';
import { ConflictError } from '../domain/errors';
import type { EventEnvelope } from '../events/envelope';
import type { Db } from './client';
import {
  CAMPAIGNS_ALL_PK,
  campaignCounterKey,
  campaignCountersPk,
  campaignKey,
  campaignListKeys,
  campaignPaceKey,
  campaignRunKey,
  campaignStatusPk,
  stripKeys,
} from './keys';
import { outboxPut } from './outbox';
import { transactWrite, type TransactItem } from './transact';

export const CAMPAIGN_ENTITY = 'campaign';
export const CAMPAIGN_RUN_ENTITY = 'campaign-run';
export const CAMPAIGN_COUNTER_ENTITY = 'campaign-counter';

export type WaveStatus = 'waiting' | 'held' | 'due' | 'sending' | 'sent';

export interface WaveRun {
  sendAt: string;
  status: WaveStatus;
  /** The delivery job of the current pass. */
  jobId?: string;
  pass?: number;
  /** Recipients the fan-out put in the wave. */
  expected: number;
  /** Recipients the last pass did not find (index lag that outlived every pass). */
  missing?: number;
}

/** How a started campaign is going: its fan-out job and its waves. */
export interface CampaignRun {
  campaignId: string;
  startedAt: string;
  fanoutJobId: string;
  fanoutDoneAt?: string;
  waves: Record<string, WaveRun>;
  /** Local-time waves met by the fan-out (their keys; a string set). */
  waveKeys?: string[];
  /** When the A/B decision is due (the timer's instant). */
  decisionDueAt?: string;
}

const conditionFailed = (e: unknown) => (e as { name?: string }).name === 'ConditionalCheckFailedException';

/** Campaigns, their run and pace, and their counters. */
export class CampaignsRepo {
  constructor(private readonly db: Db) {}

  private item(c: Campaign) {
    return { ...campaignKey(c.id), ...campaignListKeys(c.id, c.status), entity: CAMPAIGN_ENTITY, ...c };
  }

  async get(id: string): Promise<Campaign | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: campaignKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<Campaign>(res.Item) : undefined;
  }

  /** The campaign written over the version read (or new), with other items and events, in one transaction. */
  putItem(before: Campaign | undefined, after: Campaign): TransactItem {
    return {
      Put: {
        TableName: this.db.tableName,
        Item: this.item(after),
        ...(before
          ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': before.version } }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    };
  }

  async put(before: Campaign | undefined, after: Campaign, extra: TransactItem[] = [], events: EventEnvelope[] = []): Promise<void> {
    const items = [this.putItem(before, after), ...extra, ...events.map((e) => outboxPut(this.db.tableName, e))];
    await transactWrite(this.db, items, (failed) =>
      failed.some((f) => f.index === 0)
        ? new ConflictError(`Campaign ${after.id} changed meanwhile (it is at version ${(failed[0]?.item?.version as number | undefined) ?? '?'}); read it again and retry.`, { currentVersion: failed[0]?.item?.version })
        : new ConflictError(`Campaign ${after.id}: a related item changed meanwhile; retry.`),
    );
  }

  async delete(c: Campaign): Promise<void> {
    try {
      await this.db.doc.send(new DeleteCommand({ TableName: this.db.tableName, Key: campaignKey(c.id), ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': c.version } }));
    } catch (e) {
      if (conditionFailed(e)) throw new ConflictError(`Campaign ${c.id} changed meanwhile; read it again and retry.`);
      throw e;
    }
  }

  /** Newest first, of one status or all; the cursor is the last id. */
  async list(status: CampaignStatus | undefined, limit: number, after?: string): Promise<{ items: Campaign[]; cursor?: string }> {
    const index = status ? 'GSI1' : 'GSI2';
    const pk = status ? campaignStatusPk(status) : CAMPAIGNS_ALL_PK;
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: index,
        KeyConditionExpression: `${index}PK = :pk${after ? ` AND ${index}SK < :after` : ''}`,
        ExpressionAttributeValues: { ':pk': pk, ...(after ? { ':after': after } : {}) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const items = (res.Items ?? []).map((i) => stripKeys<Campaign>(i));
    return { items, ...(res.LastEvaluatedKey && items.length ? { cursor: items[items.length - 1]!.id } : {}) };
  }

  // ---- the run

  runPut(run: CampaignRun): TransactItem {
    return { Put: { TableName: this.db.tableName, Item: { ...campaignRunKey(run.campaignId), entity: CAMPAIGN_RUN_ENTITY, ...run }, ConditionExpression: 'attribute_not_exists(PK)' } };
  }

  async getRun(id: string): Promise<CampaignRun | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: campaignRunKey(id), ConsistentRead: true }));
    if (!res.Item) return undefined;
    const run = stripKeys<CampaignRun & { waveKeys?: Set<string> }>(res.Item);
    return { ...run, ...(run.waveKeys ? { waveKeys: [...run.waveKeys] } : {}) } as CampaignRun;
  }

  /** Remembers wave keys the fan-out met (a set: adding one twice is one). */
  async addWaveKeys(id: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.doc.send(new UpdateCommand({ TableName: this.db.tableName, Key: campaignRunKey(id), UpdateExpression: 'ADD waveKeys :k', ExpressionAttributeValues: { ':k': new Set(keys) } }));
  }

  /** Names a new fan-out job (a new pass after a failed one); false when another took over. */
  async setFanoutJob(id: string, from: string, to: string): Promise<boolean> {
    try {
      await this.db.doc.send(new UpdateCommand({ TableName: this.db.tableName, Key: campaignRunKey(id), UpdateExpression: 'SET fanoutJobId = :to', ConditionExpression: 'fanoutJobId = :from', ExpressionAttributeValues: { ':to': to, ':from': from } }));
      return true;
    } catch (e) {
      if (conditionFailed(e)) return false;
      throw e;
    }
  }

  /** The fan-out's end: the waves with what they hold, once (false when it was recorded already). */
  finishFanoutItem(id: string, waves: Record<string, WaveRun>, at: string, decisionDueAt?: string): TransactItem {
    return {
      Update: {
        TableName: this.db.tableName,
        Key: campaignRunKey(id),
        UpdateExpression: `SET fanoutDoneAt = :at, waves = :w${decisionDueAt ? ', decisionDueAt = :d' : ''}`,
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(fanoutDoneAt)',
        ExpressionAttributeValues: { ':at': at, ':w': waves, ...(decisionDueAt ? { ':d': decisionDueAt } : {}) },
      },
    };
  }

  /** Moves a wave from one of `from` to `to` (with a patch), as a transaction item. */
  waveItem(id: string, wave: string, from: readonly WaveStatus[], to: WaveStatus, patch: Partial<WaveRun> = {}): TransactItem {
    const names: Record<string, string> = { '#w': 'waves', '#k': wave, '#s': 'status' };
    const values: Record<string, unknown> = { ':to': to };
    from.forEach((s, i) => (values[`:f${i}`] = s));
    const sets = ['#w.#k.#s = :to'];
    Object.entries(patch).forEach(([k, v], i) => {
      names[`#p${i}`] = k;
      values[`:p${i}`] = v;
      sets.push(`#w.#k.#p${i} = :p${i}`);
    });
    return {
      Update: {
        TableName: this.db.tableName,
        Key: campaignRunKey(id),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `#w.#k.#s IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  /** A wave move with its events; false when the wave was not in one of `from` (another worker moved it). */
  async moveWave(id: string, wave: string, from: readonly WaveStatus[], to: WaveStatus, patch: Partial<WaveRun> = {}, events: EventEnvelope[] = []): Promise<boolean> {
    try {
      await transactWrite(this.db, [this.waveItem(id, wave, from, to, patch), ...events.map((e) => outboxPut(this.db.tableName, e))], () => new ConflictError('wave moved'));
      return true;
    } catch (e) {
      if (e instanceof ConflictError) return false;
      throw e;
    }
  }

  /** Writes items and events in one transaction; false when a condition failed. */
  async transact(items: TransactItem[], events: EventEnvelope[] = []): Promise<boolean> {
    try {
      await transactWrite(this.db, [...items, ...events.map((e) => outboxPut(this.db.tableName, e))], () => new ConflictError('condition failed'));
      return true;
    } catch (e) {
      if (e instanceof ConflictError) return false;
      throw e;
    }
  }

  // ---- the pace: one send-rate slot per campaign

  /**
   * Reserves `n` messages at `rate` per second: returns the instant (epoch ms) they may start,
   * the later of now and the end of the last reservation; the next reservation starts n/rate
   * seconds after it. Optimistic (a conditional write on the instant read), retried on a race.
   */
  async reserve(id: string, n: number, rate: number, nowMs: number): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: campaignPaceKey(id), ConsistentRead: true }));
      const cur = res.Item?.nextAt as number | undefined;
      const start = Math.max(nowMs, cur ?? 0);
      const next = start + (n * 1000) / rate;
      try {
        await this.db.doc.send(
          new PutCommand({
            TableName: this.db.tableName,
            Item: { ...campaignPaceKey(id), entity: 'campaign-pace', nextAt: next },
            ConditionExpression: cur === undefined ? 'attribute_not_exists(PK)' : 'nextAt = :cur',
            ...(cur === undefined ? {} : { ExpressionAttributeValues: { ':cur': cur } }),
          }),
        );
        return start;
      } catch (e) {
        if (!conditionFailed(e) || attempt >= 20) throw e;
      }
    }
  }

  // ---- counters: one item per slot, each moved once per step

  /**
   * Adds `delta` to the counter slot once for step `fromStep` of its writer (a fan-out part): the
   * slot remembers the steps it counted, so a retried step adds nothing twice. False when this
   * step was counted already.
   */
  async countOnce(id: string, slot: string, fromStep: number, delta: Record<string, number>): Promise<boolean> {
    const names: Record<string, string> = { '#step': 'step', '#e': 'entity' };
    const values: Record<string, unknown> = { ':from': fromStep, ':next': fromStep + 1, ':e': CAMPAIGN_COUNTER_ENTITY };
    const adds: string[] = [];
    Object.entries(delta).forEach(([k, v], i) => {
      if (!v) return;
      names[`#a${i}`] = k;
      values[`:a${i}`] = v;
      adds.push(`#a${i} :a${i}`);
    });
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: campaignCounterKey(id, slot),
          UpdateExpression: `SET #step = :next, #e = :e${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
          ConditionExpression: fromStep === 0 ? 'attribute_not_exists(#step) OR #step = :from' : '#step = :from',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (e) {
      if (conditionFailed(e)) return false;
      throw e;
    }
  }

  /** A plain ADD on a counter slot, as a transaction item (exactly once with the change it counts). */
  addItem(id: string, slot: string, delta: Record<string, number>): TransactItem {
    const names: Record<string, string> = { '#e': 'entity' };
    const values: Record<string, unknown> = { ':e': CAMPAIGN_COUNTER_ENTITY };
    const adds: string[] = [];
    Object.entries(delta).forEach(([k, v], i) => {
      names[`#a${i}`] = k;
      values[`:a${i}`] = v;
      adds.push(`#a${i} :a${i}`);
    });
    return { Update: { TableName: this.db.tableName, Key: campaignCounterKey(id, slot), UpdateExpression: `SET #e = :e ADD ${adds.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values } };
  }

  /** Every counter of the campaign summed over its slots (one Query of the counters partition). */
  async counters(id: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({ TableName: this.db.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': campaignCountersPk(id) }, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      for (const item of res.Items ?? []) {
        for (const [k, v] of Object.entries(item)) {
          if (k === 'PK' || k === 'SK' || k === 'entity' || k === 'step' || typeof v !== 'number') continue;
          out[k] = (out[k] ?? 0) + v;
        }
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
