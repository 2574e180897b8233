import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { MAIN_WAVE } from '../domain/campaigns/assignment';
import type { Recipient, RecipientState } from '../domain/campaigns/recipient';
import type { Db } from './client';
import { CAMPAIGN_SHARDS, recipientKey, recipientPk, recipientStateKeys, recipientStatePk, recipientWaveKeys, recipientWavePk, stripKeys } from './keys';
import type { TransactItem } from './transact';

export const RECIPIENT_ENTITY = 'campaign-recipient';

const conditionFailed = (e: unknown) => (e as { name?: string }).name === 'ConditionalCheckFailedException';

export type CreateOutcome = { kind: 'created' } | { kind: 'exists'; recipient: Recipient };

/** A page of one recipient shard: the items and where the next page starts (a customer id). */
export interface RecipientPage {
  items: Recipient[];
  /** Index entries read (before any filter). */
  read: number;
  next?: string;
}

/**
 * Campaign recipients: one item per customer per campaign, created only once (a conditional put:
 * the guarantee against a second send), listed by state (GSI1) and, outside the main wave, by
 * wave (GSI2); the main wave is walked from the recipient partitions themselves (consistent).
 */
export class RecipientsRepo {
  constructor(private readonly db: Db) {}

  private item(r: Recipient) {
    return {
      ...recipientKey(r.campaignId, r.customerId),
      ...recipientStateKeys(r.campaignId, r.state, r.customerId),
      ...(r.wave !== MAIN_WAVE ? recipientWaveKeys(r.campaignId, r.wave, r.customerId) : {}),
      entity: RECIPIENT_ENTITY,
      ...r,
    };
  }

  /** Creates the recipient unless the customer is one already (then the existing item). */
  async create(r: Recipient): Promise<CreateOutcome> {
    try {
      await this.db.doc.send(new PutCommand({ TableName: this.db.tableName, Item: this.item(r), ConditionExpression: 'attribute_not_exists(PK)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
      return { kind: 'created' };
    } catch (e) {
      if (!conditionFailed(e)) throw e;
      const old = (e as { Item?: Record<string, unknown> }).Item;
      // The item of a failed condition comes back in the wire format.
      const existing = old ? stripKeys<Recipient>(unmarshall(old as never)) : await this.get(r.campaignId, r.customerId);
      if (!existing) throw e;
      return { kind: 'exists', recipient: existing };
    }
  }

  async get(campaignId: string, customerId: string): Promise<Recipient | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: recipientKey(campaignId, customerId), ConsistentRead: true }));
    return res.Item ? stripKeys<Recipient>(res.Item) : undefined;
  }

  /**
   * Moves a recipient from `from` to `to` with a patch (the state index follows); false when it
   * was not in `from` any more (another worker or an event moved it).
   */
  async move(campaignId: string, customerId: string, from: readonly RecipientState[], to: RecipientState, patch: Partial<Recipient> = {}): Promise<boolean> {
    try {
      await this.db.doc.send(new UpdateCommand(this.moveInput(campaignId, customerId, from, to, patch)));
      return true;
    } catch (e) {
      if (conditionFailed(e)) return false;
      throw e;
    }
  }

  moveItem(campaignId: string, customerId: string, from: readonly RecipientState[], to: RecipientState, patch: Partial<Recipient> = {}, extraCondition?: { expression: string; values: Record<string, unknown> }): TransactItem {
    const input = this.moveInput(campaignId, customerId, from, to, patch, extraCondition);
    return { Update: input };
  }

  private moveInput(campaignId: string, customerId: string, from: readonly RecipientState[], to: RecipientState, patch: Partial<Recipient>, extraCondition?: { expression: string; values: Record<string, unknown> }) {
    const names: Record<string, string> = { '#s': 'state', '#g': 'GSI1PK' };
    const values: Record<string, unknown> = { ':to': to, ':g': recipientStateKeys(campaignId, to, customerId).GSI1PK, ...(extraCondition?.values ?? {}) };
    from.forEach((s, i) => (values[`:f${i}`] = s));
    names['#rev'] = 'rev';
    values[':zero'] = 0;
    values[':one'] = 1;
    const sets = ['#s = :to', '#g = :g', '#rev = if_not_exists(#rev, :zero) + :one'];
    Object.entries(patch).forEach(([k, v], i) => {
      if (v === undefined) return;
      names[`#p${i}`] = k;
      values[`:p${i}`] = v;
      sets.push(`#p${i} = :p${i}`);
    });
    const cond = `#s IN (${from.map((_, i) => `:f${i}`).join(', ')})`;
    return {
      TableName: this.db.tableName,
      Key: recipientKey(campaignId, customerId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: extraCondition ? `${cond} AND ${extraCondition.expression}` : cond,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  /**
   * Writes what an event changed over the revision read (`rev`): the state (when it moves; the
   * state index follows) and fields. Every write moves the revision, so a lost race is a failed
   * condition, read again.
   */
  reviseItem(r: Recipient & { rev?: number }, state: RecipientState | undefined, set: Record<string, unknown>): TransactItem {
    const names: Record<string, string> = { '#rev': 'rev' };
    const values: Record<string, unknown> = { ':next': (r.rev ?? 0) + 1 };
    const sets = ['#rev = :next'];
    const fields = { ...set, ...(state ? { state, GSI1PK: recipientStateKeys(r.campaignId, state, r.customerId).GSI1PK } : {}) };
    Object.entries(fields).forEach(([k, v], i) => {
      if (v === undefined) return;
      names[`#p${i}`] = k;
      values[`:p${i}`] = v;
      sets.push(`#p${i} = :p${i}`);
    });
    if (r.rev !== undefined) values[':cur'] = r.rev;
    return {
      Update: {
        TableName: this.db.tableName,
        Key: recipientKey(r.campaignId, r.customerId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: r.rev === undefined ? 'attribute_exists(PK) AND attribute_not_exists(#rev)' : '#rev = :cur',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  /** Sets fields without moving the state, guarded by a condition (e.g. the coupon code, once). */
  patchItem(campaignId: string, customerId: string, set: Record<string, unknown>, condition: string, conditionValues: Record<string, unknown> = {}): TransactItem {
    const names: Record<string, string> = { '#rev': 'rev' };
    const values: Record<string, unknown> = { ...conditionValues, ':zero': 0, ':one': 1 };
    const sets: string[] = ['#rev = if_not_exists(#rev, :zero) + :one'];
    Object.entries(set).forEach(([k, v], i) => {
      names[`#p${i}`] = k;
      values[`:p${i}`] = v;
      sets.push(`#p${i} = :p${i}`);
    });
    const names2 = { ...names, ...(condition.includes('#cc') ? { '#cc': 'couponCode' } : {}) };
    return {
      Update: {
        TableName: this.db.tableName,
        Key: recipientKey(campaignId, customerId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names2,
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      },
    };
  }

  /** The recipient lets go of its coupon code (guarded: only that code). */
  dropCouponItem(campaignId: string, customerId: string, code: string): TransactItem {
    return {
      Update: {
        TableName: this.db.tableName,
        Key: recipientKey(campaignId, customerId),
        UpdateExpression: 'SET #rev = if_not_exists(#rev, :zero) + :one REMOVE couponCode',
        ConditionExpression: 'couponCode = :c',
        ExpressionAttributeNames: { '#rev': 'rev' },
        ExpressionAttributeValues: { ':c': code, ':zero': 0, ':one': 1 },
      },
    };
  }

  /** One page of a shard of the main wave, from the recipient partition (consistent), after a customer id. */
  async mainPage(campaignId: string, shard: number, after: string | undefined, limit: number): Promise<RecipientPage> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: after ? 'PK = :pk AND SK > :after' : 'PK = :pk',
        FilterExpression: 'wave = :main',
        ExpressionAttributeValues: { ':pk': recipientPk(campaignId, shard), ':main': MAIN_WAVE, ...(after ? { ':after': after } : {}) },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    const items = (res.Items ?? []).map((i) => stripKeys<Recipient>(i));
    return { items, read: items.length, ...(res.LastEvaluatedKey ? { next: res.LastEvaluatedKey.SK as string } : {}) };
  }

  /** One page of a shard of another wave, from its index, after a customer id. */
  async wavePage(campaignId: string, wave: string, shard: number, after: string | undefined, limit: number): Promise<RecipientPage> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI2',
        KeyConditionExpression: after ? 'GSI2PK = :pk AND GSI2SK > :after' : 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': recipientWavePk(campaignId, wave, shard), ...(after ? { ':after': after } : {}) },
        Limit: limit,
      }),
    );
    const items = (res.Items ?? []).map((i) => stripKeys<Recipient>(i));
    return { items, read: items.length, ...(res.LastEvaluatedKey ? { next: res.LastEvaluatedKey.GSI2SK as string } : {}) };
  }

  /** Recipients in one state, by customer id, merged over the shards; the cursor is the last id. */
  async byState(campaignId: string, state: RecipientState, limit: number, after?: string): Promise<{ items: Recipient[]; cursor?: string }> {
    const pages = await Promise.all(
      Array.from({ length: CAMPAIGN_SHARDS }, (_, shard) =>
        this.db.doc.send(
          new QueryCommand({
            TableName: this.db.tableName,
            IndexName: 'GSI1',
            KeyConditionExpression: after ? 'GSI1PK = :pk AND GSI1SK > :after' : 'GSI1PK = :pk',
            ExpressionAttributeValues: { ':pk': recipientStatePk(campaignId, state, shard), ...(after ? { ':after': after } : {}) },
            Limit: limit,
          }),
        ),
      ),
    );
    const all = pages.flatMap((p) => (p.Items ?? []).map((i) => stripKeys<Recipient>(i))).sort((a, b) => (a.customerId < b.customerId ? -1 : 1));
    const items = all.slice(0, limit);
    const more = all.length > limit || pages.some((p) => p.LastEvaluatedKey);
    return { items, ...(more && items.length ? { cursor: items[items.length - 1]!.customerId } : {}) };
  }

  /** Every recipient of one shard (tests, the bench): the partition read whole, consistently. */
  async shard(campaignId: string, shard: number): Promise<Recipient[]> {
    const out: Recipient[] = [];
    let after: string | undefined;
    for (;;) {
      const res = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          KeyConditionExpression: after ? 'PK = :pk AND SK > :after' : 'PK = :pk',
          ExpressionAttributeValues: { ':pk': recipientPk(campaignId, shard), ...(after ? { ':after': after } : {}) },
          ConsistentRead: true,
        }),
      );
      out.push(...(res.Items ?? []).map((i) => stripKeys<Recipient>(i)));
      if (!res.LastEvaluatedKey) return out;
      after = res.LastEvaluatedKey.SK as string;
    }
  }
}
