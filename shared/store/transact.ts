import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Db } from './client';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface FailedCondition {
  index: number;
  /** The item as it was when its condition failed (ALL_OLD), when the item existed. */
  item?: Record<string, unknown>;
}

/**
 * Runs one all-or-nothing write. When a condition fails, `onConflict` turns the failed items into
 * the domain error to throw (409, 404, ...); other cancellations (conflicting transactions) are
 * retried a few times, as AWS advises.
 */
export async function transactWrite(
  db: Db,
  items: TransactItem[],
  onConflict: (failed: FailedCondition[]) => Error,
  opts: { token?: string } = {},
): Promise<void> {
  const withReturn = items.map((it) => {
    const op = (it.Put ?? it.Update ?? it.Delete ?? it.ConditionCheck) as { ConditionExpression?: string; ReturnValuesOnConditionCheckFailure?: string } | undefined;
    if (op?.ConditionExpression) op.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
    return it;
  });
  for (let attempt = 0; ; attempt++) {
    try {
      await db.doc.send(new TransactWriteCommand({ TransactItems: withReturn, ...(opts.token ? { ClientRequestToken: opts.token } : {}) }));
      return;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException) && (err as { name?: string }).name !== 'TransactionCanceledException') throw err;
      const reasons = (err as TransactionCanceledException).CancellationReasons ?? [];
      const failed: FailedCondition[] = [];
      reasons.forEach((r, index) => {
        if (r.Code === 'ConditionalCheckFailed') failed.push({ index, ...(r.Item ? { item: unmarshall(r.Item) } : {}) });
      });
      if (failed.length > 0) throw onConflict(failed);
      if (attempt >= 3) throw err;
      await new Promise((res) => setTimeout(res, 20 * 2 ** attempt + Math.random() * 20));
    }
  }
}
