import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import { reentryGuard, type JourneyMembership, type ReentryRefusal } from '../domain/journeys/reentry';
import type { Transition } from '../domain/journeys/transitions';
import type { Enrollment, HistoryEntry, Reentry } from '../domain/journeys/types';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import {
  customerEnrollmentsPk,
  ENROLLMENT_HISTORY_PREFIX,
  enrollmentHistoryKey,
  enrollmentKey,
  enrollmentListKeys,
  enrollmentPk,
  JOURNEY_ENROLLMENT_SHARDS,
  journeyEnrollmentsPk,
  journeyMemberKey,
  stripKeys,
} from './keys';
import { transactWrite, type TransactItem } from './transact';

export const ENROLLMENT_ENTITY = 'journey-enrollment';
export const ENROLLMENT_HISTORY_ENTITY = 'journey-history';
export const JOURNEY_MEMBER_ENTITY = 'journey-member';

export type EnrollResult = { status: 'entered' } | { status: 'duplicate' } | { status: 'refused'; reason: ReentryRefusal };

class Race extends Error {}

/**
 * Enrollments: the enrollment item (position, visits, revision), its history lines, and per journey
 * and customer the membership item the re-entry rule is enforced on. Every change is one
 * transaction conditional on the revision read, with its history, its stats counters and its
 * events; entering also claims the membership (at most one active enrollment per journey and
 * customer, re-entry by the journey's rule), so concurrent triggers enter once.
 */
export class EnrollmentsRepo {
  constructor(private readonly db: Db) {}

  private item(e: Enrollment) {
    return { ...enrollmentKey(e.id), ...enrollmentListKeys(e.journeyId, e.customerId, e.id), entity: ENROLLMENT_ENTITY, ...e };
  }

  private historyPuts(e: Enrollment, lines: HistoryEntry[]): TransactItem[] {
    return lines.map((h) => ({
      Put: { TableName: this.db.tableName, Item: { ...enrollmentHistoryKey(e.id, h.seq), entity: ENROLLMENT_HISTORY_ENTITY, enrollmentId: e.id, ...h }, ConditionExpression: 'attribute_not_exists(PK)' },
    }));
  }

  /** A new enrollment (its id derived from journey, customer and trigger: a redelivered trigger is a duplicate). */
  async enroll(t: Transition, rule: Reentry, nowMs: number, extra: TransactItem[]): Promise<EnrollResult> {
    const e = t.next;
    const guard = reentryGuard(rule, nowMs);
    const again = guard.mayReenter ? ` OR (attribute_not_exists(activeEnrollmentId)${guard.lastEnteredBefore ? ' AND lastEnteredAt <= :before' : ''})` : '';
    const items: TransactItem[] = [
      { Put: { TableName: this.db.tableName, Item: this.item(e), ConditionExpression: 'attribute_not_exists(PK)' } },
      {
        Update: {
          TableName: this.db.tableName,
          Key: journeyMemberKey(e.journeyId, e.customerId),
          UpdateExpression: 'SET entity = :ent, journeyId = :j, customerId = :c, activeEnrollmentId = :id, lastEnteredAt = :at ADD entries :one',
          ConditionExpression: `attribute_not_exists(PK)${again}`,
          ExpressionAttributeValues: { ':ent': JOURNEY_MEMBER_ENTITY, ':j': e.journeyId, ':c': e.customerId, ':id': e.id, ':at': e.enteredAt, ':one': 1, ...(guard.lastEnteredBefore ? { ':before': guard.lastEnteredBefore } : {}) },
        },
      },
      ...this.historyPuts(e, t.history),
      ...extra,
    ];
    try {
      await transactWrite(this.db, items, (failed) => {
        if (failed.some((f) => f.index === 0)) return new ConflictError('duplicate', { reason: 'duplicate' });
        const m = failed.find((f) => f.index === 1)?.item as Partial<JourneyMembership> | undefined;
        const reason: ReentryRefusal = m?.activeEnrollmentId ? 'already-active' : rule.mode === 'never' ? 'reentry-never' : 'reentry-too-soon';
        return new ConflictError(reason, { reason });
      });
      return { status: 'entered' };
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      const reason = err.extra.reason as string;
      return reason === 'duplicate' ? { status: 'duplicate' } : { status: 'refused', reason: reason as ReentryRefusal };
    }
  }

  /** Writes a transition over the revision read; false when another writer moved the enrollment first. */
  async commit(before: Enrollment, t: Transition, extra: TransactItem[]): Promise<boolean> {
    const e = t.next;
    const items: TransactItem[] = [
      { Put: { TableName: this.db.tableName, Item: this.item(e), ConditionExpression: '#rev = :rev', ExpressionAttributeNames: { '#rev': 'rev' }, ExpressionAttributeValues: { ':rev': before.rev } } },
      ...this.historyPuts(e, t.history),
      ...(t.ended
        ? [
            {
              Update: {
                TableName: this.db.tableName,
                Key: journeyMemberKey(e.journeyId, e.customerId),
                UpdateExpression: 'REMOVE activeEnrollmentId',
                ConditionExpression: 'activeEnrollmentId = :id',
                ExpressionAttributeValues: { ':id': e.id },
              },
            } satisfies TransactItem,
          ]
        : []),
      ...extra,
    ];
    try {
      await transactWrite(this.db, items, (failed) => (failed.some((f) => f.index === 0) ? new Race() : new ConflictError(`Enrollment ${e.id}: a write condition failed (${failed.map((f) => f.index).join(', ')}).`)));
      return true;
    } catch (err) {
      if (err instanceof Race) return false;
      throw err;
    }
  }

  async get(id: string): Promise<Enrollment | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: enrollmentKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<Enrollment>(res.Item) : undefined;
  }

  async membership(journeyId: string, customerId: string): Promise<JourneyMembership | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: journeyMemberKey(journeyId, customerId), ConsistentRead: true }));
    return res.Item ? (stripKeys<JourneyMembership>(res.Item) as JourneyMembership) : undefined;
  }

  /** An enrollment's history, oldest first, a page at a time. */
  async history(id: string, limit: number, cursor?: string): Promise<{ items: HistoryEntry[]; cursor?: string }> {
    const start = decodeCursor(cursor, { PK: enrollmentPk(id) }, ['PK', 'SK']);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :h)',
        ExpressionAttributeValues: { ':pk': enrollmentPk(id), ':h': ENROLLMENT_HISTORY_PREFIX },
        ConsistentRead: true,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => { const { enrollmentId: _e, ...h } = stripKeys<HistoryEntry & { enrollmentId: string }>(i); return h; }), ...(next ? { cursor: next } : {}) };
  }

  /** A journey's enrollments, newest first: the shards queried in parallel and merged by id. */
  async byJourney(journeyId: string, limit: number, cursor?: string): Promise<{ items: Enrollment[]; cursor?: string }> {
    const after = decodeCursor(cursor, { list: `journey:${journeyId}` }, ['list', 'after'])?.after;
    const shards = await Promise.all(
      Array.from({ length: JOURNEY_ENROLLMENT_SHARDS }, (_, shard) =>
        this.db.doc.send(
          new QueryCommand({
            TableName: this.db.tableName,
            IndexName: 'GSI1',
            KeyConditionExpression: after ? 'GSI1PK = :pk AND GSI1SK < :after' : 'GSI1PK = :pk',
            ExpressionAttributeValues: { ':pk': journeyEnrollmentsPk(journeyId, shard), ...(after ? { ':after': after } : {}) },
            ScanIndexForward: false,
            Limit: limit,
          }),
        ),
      ),
    );
    const all = shards.flatMap((r) => (r.Items ?? []).map((i) => stripKeys<Enrollment>(i))).sort((a, b) => (a.id < b.id ? 1 : -1));
    const items = all.slice(0, limit);
    const more = all.length > limit || shards.some((r) => r.LastEvaluatedKey);
    const last = items[items.length - 1];
    return { items, ...(more && last ? { cursor: encodeCursor({ list: `journey:${journeyId}`, after: last.id }) } : {}) };
  }

  /** One shard of a journey's enrollments, oldest first from `after` (background walks). */
  async shardPage(journeyId: string, shard: number, limit: number, after?: string): Promise<{ items: Enrollment[]; last?: string }> {
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: after ? 'GSI1PK = :pk AND GSI1SK > :after' : 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': journeyEnrollmentsPk(journeyId, shard), ...(after ? { ':after': after } : {}) },
        Limit: limit,
      }),
    );
    const items = (res.Items ?? []).map((i) => stripKeys<Enrollment>(i));
    return { items, ...(res.LastEvaluatedKey ? { last: items[items.length - 1]?.id } : {}) };
  }

  /** A customer's enrollments, newest first. */
  async byCustomer(customerId: string, limit: number, cursor?: string): Promise<{ items: Enrollment[]; cursor?: string }> {
    const start = decodeCursor(cursor, { GSI2PK: customerEnrollmentsPk(customerId) }, ['PK', 'SK', 'GSI2PK', 'GSI2SK']);
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.tableName,
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': customerEnrollmentsPk(customerId) },
        ScanIndexForward: false,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => stripKeys<Enrollment>(i)), ...(next ? { cursor: next } : {}) };
  }

  /**
   * A customer's enrollments that an event can still act on: the active ones, and those that
   * ended since `endedSince` (a goal may be reached after the path completed). One Query with a
   * filter on the customer's own partition of the index.
   */
  async live(customerId: string, endedSince: string): Promise<Enrollment[]> {
    const out: Enrollment[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :pk',
          FilterExpression: '#s = :active OR endedAt >= :since',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':pk': customerEnrollmentsPk(customerId), ':active': 'active', ':since': endedSince },
          ScanIndexForward: false,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      out.push(...(res.Items ?? []).map((i) => stripKeys<Enrollment>(i)));
      start = res.LastEvaluatedKey;
    } while (start && out.length < 500);
    return out;
  }
}
