import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { guardTable, runAs } from '../../infra/local/iam-guard';
import { listCustomers } from '../../shared/api/customers';
import { listUsers } from '../../shared/api/users';
import { enforceClientRate, RateLimitedError } from '../../shared/http/rate-limit';
import type { Db } from '../../shared/store/client';
import { rateCounterKey } from '../../shared/store/keys';
import { RateCountersRepo } from '../../shared/store/rate-counters-repo';
import { testDb } from '../support/db';

/** Per-client throttling (issue 7) against DynamoDB Local: the conditional counter under concurrency, windows, the TTL. */
let db: Db;
beforeAll(async () => {
  db = await testDb();
});

const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const clockAt = (iso: string) => ({ now: () => new Date(iso) });
const config = { integrationRatePerMinute: 600 };

it('never counts past the limit, even with many containers writing at once', async () => {
  const repo = new RateCountersRepo(db);
  const results = await Promise.all(Array.from({ length: 20 }, () => repo.take('busy', '2025-03-01T10:15:00.000Z', 5, 1_740_824_220)));
  expect(results.filter((r) => r !== undefined).sort()).toEqual([1, 2, 3, 4, 5]);
  expect(results.filter((r) => r === undefined)).toHaveLength(15);
  const item = (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: rateCounterKey('busy', '2025-03-01T10:15:00.000Z') }))).Item;
  expect(item).toMatchObject({ entity: 'rate-counter', requests: 5, ttl: 1_740_824_220 });
});

it('gives each client its own window, and a new minute a new one', async () => {
  const deps = (iso: string) => ({ db, clock: clockAt(iso), config });
  for (let i = 0; i < 3; i++) await enforceClientRate(deps('2025-03-01T11:00:10Z'), log, { id: 'erp', ratePerMinute: 3 });
  const refused = await enforceClientRate(deps('2025-03-01T11:00:50Z'), log, { id: 'erp', ratePerMinute: 3 }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(RateLimitedError);
  expect((refused as RateLimitedError).headers['retry-after']).toBe('10');
  // Another client is not affected by erp's window.
  expect(await enforceClientRate(deps('2025-03-01T11:00:50Z'), log, { id: 'shop', ratePerMinute: 3 })).toMatchObject({ 'ratelimit-remaining': '2' });
  // The next minute starts afresh.
  expect(await enforceClientRate(deps('2025-03-01T11:01:00Z'), log, { id: 'erp', ratePerMinute: 3 })).toMatchObject({ 'ratelimit-remaining': '2', 'ratelimit-reset': '60' });
  // A higher limit set meanwhile applies to the running window at once.
  expect(await enforceClientRate(deps('2025-03-01T11:00:55Z'), log, { id: 'erp', ratePerMinute: 10 })).toMatchObject({ 'ratelimit-remaining': '6' });
});

it('lets a read-only function a machine client reaches write only rate counters (the local stand-in for its IAM grant)', async () => {
  const guarded = await testDb();
  guardTable(guarded.doc);
  const repo = new RateCountersRepo(guarded);
  const update = (pk: string) => guarded.doc.send(new UpdateCommand({ TableName: guarded.tableName, Key: { PK: pk, SK: 'X' }, UpdateExpression: 'SET #a = :a', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':a': 1 } }));
  const reader = { name: 'customers-list', table: 'read' as const, http: listCustomers };
  await expect(runAs(reader, () => repo.take('erp', '2025-03-01T10:15:00.000Z', 5, 1))).resolves.toBe(1);
  await expect(runAs(reader, () => update('CUST#1'))).rejects.toThrow(/customers-list is not allowed Update(Item)?Command/);
  await expect(runAs({ name: 'users-list', table: 'read', http: listUsers }, () => repo.take('erp', '2025-03-01T10:15:00.000Z', 5, 1))).rejects.toThrow(/users-list is not allowed/);
  await expect(runAs({ name: 'worker', table: 'read' }, () => update('RATE#erp'))).rejects.toThrow(/not allowed/);
});
