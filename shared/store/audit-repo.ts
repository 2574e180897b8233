import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../domain/audit';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { AUDIT_DAY_SHARDS, auditActorPk, auditDayPk, auditEntityPk, auditKeys, auditRange, stripKeys } from './keys';

export const AUDIT_ENTITY = 'audit';

export type AuditQuery =
  | { by: 'target'; type: string; id: string }
  | { by: 'actor'; sub: string }
  | { by: 'time' };

export interface AuditPage {
  items: AuditRecord[];
  next?: string;
}

/**
 * The audit trail's store. Records are only ever put, each once (a conditional put on a new id);
 * this class has no update or delete, and no route reaches one. They expire by the table's TTL
 * after the configured retention.
 */
export class AuditRepo {
  constructor(private readonly db: Db) {}

  async append(record: AuditRecord, retentionDays: number): Promise<void> {
    const ttl = Math.floor(Date.parse(record.at) / 1000) + retentionDays * 86_400;
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.tableName,
        Item: { ...auditKeys({ id: record.id, at: record.at, actorSub: record.actor.sub, ...(record.target ? { target: record.target } : {}) }), entity: AUDIT_ENTITY, ...record, ttl },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  /** Newest first within [from, to]; by time, one query per day and shard, merged. */
  async list(q: AuditQuery, from: string, to: string, limit: number, cursor?: string): Promise<AuditPage> {
    const range = auditRange(from, to);
    if (q.by !== 'time') {
      const index = q.by === 'actor' ? 'GSI1' : undefined;
      const pk = q.by === 'actor' ? auditActorPk(q.sub) : auditEntityPk(q.type, q.id);
      const [pkName, skName] = index ? ['GSI1PK', 'GSI1SK'] : ['PK', 'SK'];
      const res = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          ...(index ? { IndexName: index } : {}),
          KeyConditionExpression: `${pkName} = :pk AND ${skName} BETWEEN :lo AND :hi`,
          ExpressionAttributeValues: { ':pk': pk, ':lo': range.lo, ':hi': range.hi },
          ScanIndexForward: false,
          Limit: limit,
          ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor, { [pkName]: pk }, index ? ['PK', 'SK', 'GSI1PK', 'GSI1SK'] : ['PK', 'SK']) } : {}),
        }),
      );
      return { items: (res.Items ?? []).map((i) => stripKeys<AuditRecord>(i)), ...(res.LastEvaluatedKey ? { next: encodeCursor(res.LastEvaluatedKey) } : {}) };
    }
    // By time: walk the days newest first; the cursor is the last record's sort key.
    const items: AuditRecord[] = [];
    const before = decodeCursor(cursor, {}, ['sk'])?.sk;
    for (let day = to.slice(0, 10); day >= from.slice(0, 10) && items.length < limit; day = previousDay(day)) {
      const hi = before && before < range.hi ? before : range.hi;
      const perShard = await Promise.all(
        Array.from({ length: AUDIT_DAY_SHARDS }, (_, shard) =>
          this.db.doc.send(
            new QueryCommand({
              TableName: this.db.tableName,
              IndexName: 'GSI2',
              KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK BETWEEN :lo AND :hi',
              ExpressionAttributeValues: { ':pk': auditDayPk(day, shard), ':lo': range.lo, ':hi': hi },
              ScanIndexForward: false,
              Limit: limit,
            }),
          ),
        ),
      );
      const dayItems = perShard.flatMap((r) => r.Items ?? []).filter((i) => !before || (i.GSI2SK as string) < before);
      dayItems.sort((a, b) => ((a.GSI2SK as string) < (b.GSI2SK as string) ? 1 : -1));
      for (const i of dayItems) {
        if (items.length >= limit) return { items, next: encodeCursor({ sk: `${items[items.length - 1]!.at}#${items[items.length - 1]!.id}` }) };
        items.push(stripKeys<AuditRecord>(i));
      }
    }
    return { items };
  }
}

function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}
