import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { CapturingPublisher } from '../support/db';
import { drainStream } from '../support/stream';
import type { Deps } from '../../shared/runtime/deps';
import type { Ctx } from '../../shared/usecases/customers';

export const ctxOf = (deps: Deps, actorId = 'tester'): Ctx => ({ deps, correlationId: 'it-corr', actorId });

/** Types of the events published so far (the stream drained through the relay first), in publish (stream) order. */
export async function publishedTypes(deps: Deps): Promise<string[]> {
  await drainStream(deps);
  const publisher = (await deps.publisher!()) as CapturingPublisher;
  return publisher.events.map((e) => e.type);
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
