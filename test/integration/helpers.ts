import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Deps } from '../../shared/runtime/deps';
import type { Ctx } from '../../shared/usecases/customers';

export const ctxOf = (deps: Deps, actorId = 'tester'): Ctx => ({ deps, correlationId: 'it-corr', actorId });

/** Outbox items written so far (a Scan is fine in a test: it verifies, it is not an access pattern). */
export async function outboxTypes(deps: Deps): Promise<string[]> {
  const res = await deps.db.doc.send(new ScanCommand({ TableName: deps.db.tableName, FilterExpression: 'entity = :e', ExpressionAttributeValues: { ':e': 'event' } }));
  return (res.Items ?? []).sort((a, b) => (a.event.id < b.event.id ? -1 : 1)).map((i) => i.event.type as string);
}

export async function allItems(deps: Deps): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await deps.db.doc.send(new ScanCommand({ TableName: deps.db.tableName, ...(start ? { ExclusiveStartKey: start } : {}) }));
    out.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}
