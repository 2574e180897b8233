import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client';
import { ANALYTICS_RUNS_PK, analyticsRunKey, analyticsRunListKeys, COSTS_PK, costsKey, LAKE_CHECKPOINT_KEY, stripKeys } from './keys';

/**
 * Snapshot and lake-export runs (one item each, listed newest first), the marketing costs entered
 * per month, and the lake export's checkpoint (the last day of events written).
 */
export const RUN_ENTITY = 'analytics-run';
export const COSTS_ENTITY = 'analytics-costs';
const RUN_TTL_DAYS = 90;

export type RunKind = 'snapshot' | 'export';
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface AnalyticsRun {
  id: string;
  kind: RunKind;
  status: RunStatus;
  trigger: 'schedule' | 'request';
  requestedBy: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** The day the run is as of (UTC). */
  asOf?: string;
  /** Export runs: the days of events to write (default: those since the checkpoint). */
  eventDays?: { from: string; to: string };
  result?: Record<string, unknown>;
  error?: string;
}

export interface MonthCosts {
  month: string;
  currency: string;
  /** Acquisition spend per source channel (matches profiles' sourceChannel), minor units. */
  channels: Record<string, number>;
  /** Cost per journey (journeys have no cost model of their own), minor units. */
  journeys: Record<string, number>;
  updatedAt: string;
  updatedBy: string;
}

export class AnalyticsRunsRepo {
  constructor(private readonly db: Db) {}

  async create(run: AnalyticsRun): Promise<void> {
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: { ...analyticsRunKey(run.id), ...analyticsRunListKeys(run.createdAt, run.id), entity: RUN_ENTITY, ...run, ttl: Math.floor(Date.parse(run.createdAt) / 1000) + RUN_TTL_DAYS * 86_400 },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async get(id: string): Promise<AnalyticsRun | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: analyticsRunKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<AnalyticsRun>(res.Item) : undefined;
  }

  /** Sets fields of a run (status moves, results). */
  async update(id: string, patch: Partial<Omit<AnalyticsRun, 'id' | 'kind' | 'createdAt'>>): Promise<void> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (!entries.length) return;
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: analyticsRunKey(id),
        UpdateExpression: `SET ${entries.map((_, i) => `#k${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#k${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
      }),
    );
  }

  async recent(limit: number): Promise<AnalyticsRun[]> {
    const res = await this.db.doc.send(new QueryCommand({ TableName: this.db.tableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': ANALYTICS_RUNS_PK }, ScanIndexForward: false, Limit: limit }));
    return (res.Items ?? []).map((i) => stripKeys<AnalyticsRun>(i));
  }

  async putCosts(c: MonthCosts): Promise<void> {
    await this.db.doc.send(new PutCommand({ TableName: this.db.tableName, Item: { ...costsKey(c.month), entity: COSTS_ENTITY, ...c } }));
  }

  /** Costs of the months [fromMonth, toMonth] (YYYY-MM): one Query. */
  async costs(fromMonth: string, toMonth: string): Promise<MonthCosts[]> {
    const res = await this.db.doc.send(
      new QueryCommand({ TableName: this.db.tableName, KeyConditionExpression: 'PK = :pk AND SK BETWEEN :a AND :b', ExpressionAttributeValues: { ':pk': COSTS_PK, ':a': fromMonth, ':b': toMonth } }),
    );
    return (res.Items ?? []).map((i) => stripKeys<MonthCosts>(i));
  }

  /** Every month with costs (journey costs are lifetime figures). */
  async allCosts(): Promise<MonthCosts[]> {
    return this.costs('0000-00', '9999-99');
  }

  async lakeCheckpoint(): Promise<string | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: LAKE_CHECKPOINT_KEY, ConsistentRead: true }));
    return res.Item?.lastEventDay as string | undefined;
  }

  async setLakeCheckpoint(lastEventDay: string): Promise<void> {
    await this.db.doc.send(
      new UpdateCommand({
        TableName: this.db.tableName,
        Key: LAKE_CHECKPOINT_KEY,
        UpdateExpression: 'SET entity = :e, lastEventDay = :d',
        ConditionExpression: 'attribute_not_exists(lastEventDay) OR lastEventDay < :d',
        ExpressionAttributeValues: { ':e': 'analytics-lake', ':d': lastEventDay },
      }),
    ).catch((err: { name?: string }) => {
      if (err.name !== 'ConditionalCheckFailedException') throw err;
    });
  }
}
