import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FunctionSpec } from '../wiring';
// Per-client throttling (issue 7)
import { routeCountsClients } from '../../shared/domain/rate-limit';
import { isRateCounterPk } from '../../shared/store/keys';
import { isRateCounterAttribute } from '../../shared/store/rate-counters-repo';

/**
 * The table permissions of AWS, enforced locally: while a handler runs (lambda-host `invoke`), its
 * DynamoDB calls are checked against its wiring spec exactly as its IAM role is built from it
 * (infra/constructs/crm-function.ts `bindTable`): writes need `table: 'write'`, Scan needs
 * `scans: true`. A call outside them fails like an AccessDeniedException in AWS would, so a
 * missing declaration shows up in local runs and tests, not first in production.
 */
type GuardedSpec = Pick<FunctionSpec, 'name' | 'table' | 'scans'> & Partial<Pick<FunctionSpec, 'http'>>;
const current = new AsyncLocalStorage<GuardedSpec>();

export function runAs<T>(spec: GuardedSpec, fn: () => Promise<T>): Promise<T> {
  return current.run(spec, fn);
}

const WRITES = new Set(['PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand', 'TransactWriteCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const SCANS = new Set(['ScanCommand']);

export class LocalAccessDenied extends Error {
  override name = 'AccessDeniedException';
}

export function guardTable(doc: DynamoDBDocumentClient): void {
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const spec = current.getStore();
      const command = String((context as { commandName?: string }).commandName ?? '');
      if (spec && WRITES.has(command) && spec.table !== 'write' && !countsRate(spec, command, args.input)) {
        throw new LocalAccessDenied(`${spec.name} is not allowed ${command} on the table: its wiring spec grants table 'read' (infra/wiring.ts)`);
      }
      if (spec && SCANS.has(command) && !spec.scans) {
        throw new LocalAccessDenied(`${spec.name} is not allowed dynamodb:Scan: its wiring spec does not declare scans: true (infra/wiring.ts)`);
      }
      return next(args);
    },
    { step: 'initialize', name: 'localIamGuard' },
  );
}

// Per-client throttling (issue 7)
/**
 * The one write a read-only HTTP function may make, as in AWS (infra/stacks/stateless-stack.ts
 * `allowRateCounter`): UpdateItem on a machine client's rate counter (a `RATE_COUNTER_PREFIX` partition), naming
 * only the counter's attributes (dynamodb:Attributes), and only in a function whose route a machine client can reach.
 */
function countsRate(spec: GuardedSpec, command: string, input: unknown): boolean {
  if (command !== 'UpdateCommand' && command !== 'UpdateItemCommand') return false;
  if (!spec.http || !routeCountsClients(spec.http.permission)) return false;
  const { Key, ExpressionAttributeNames } = (input ?? {}) as { Key?: { PK?: unknown }; ExpressionAttributeNames?: Record<string, string> };
  const pk = Key?.PK;
  if (!Object.values(ExpressionAttributeNames ?? {}).every(isRateCounterAttribute)) return false;
  return isRateCounterPk(typeof pk === 'object' && pk !== null ? (pk as { S?: unknown }).S : pk);
}
