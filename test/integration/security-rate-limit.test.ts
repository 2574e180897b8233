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
  const results = await Promise.all(Array.from({ length: 20 }, () => repo.take('busy', '2025-03-01T10:15:00.000Z', 's07', { perMinute: 5, perSecond: 50 }, 1_740_824_220)));
  expect(results.flatMap((r) => (r.taken ? [r.minute] : [])).sort()).toEqual([1, 2, 3, 4, 5]);
  // Each refusal reads the full minute from the item it was refused by.
  expect(results.filter((r) => !r.taken)).toEqual(Array.from({ length: 15 }, () => ({ taken: false, minute: 5, second: 5 })));
  const item = (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: rateCounterKey('busy', '2025-03-01T10:15:00.000Z') }))).Item;
  expect(item).toMatchObject({ entity: 'rate-counter', requests: 5, s07: 5, ttl: 1_740_824_220 });
});

it('caps each second at the burst, concurrently, while the minute still has room', async () => {
  const repo = new RateCountersRepo(db);
  const limits = { perMinute: 100, perSecond: 4 };
  const first = await Promise.all(Array.from({ length: 12 }, () => repo.take('bursty', '2025-03-01T10:15:00.000Z', 's10', limits, 1)));
  expect(first.filter((r) => r.taken)).toHaveLength(4);
  expect(first.filter((r) => !r.taken)).toEqual(Array.from({ length: 8 }, () => ({ taken: false, minute: 4, second: 4 })));
  // The next second of the same minute has its own four.
  const next = await Promise.all(Array.from({ length: 6 }, () => repo.take('bursty', '2025-03-01T10:15:00.000Z', 's11', limits, 1)));
  expect(next.flatMap((r) => (r.taken ? [r.second] : [])).sort()).toEqual([1, 2, 3, 4]);
  expect(next.flatMap((r) => (r.taken ? [r.minute] : [])).sort((a, b) => a - b)).toEqual([5, 6, 7, 8]);
  const item = (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: rateCounterKey('bursty', '2025-03-01T10:15:00.000Z') }))).Item;
  expect(item).toMatchObject({ requests: 8, s10: 4, s11: 4 });
});

it('answers 429 with Retry-After 1 for a burst, and the minute\'s wait when the minute is spent', async () => {
  const deps = (iso: string) => ({ db, clock: clockAt(iso), config });
  const client = { id: 'sync', ratePerMinute: 6, burstPerSecond: 2 };
  await enforceClientRate(deps('2025-03-01T12:00:05.100Z'), log, client);
  expect(await enforceClientRate(deps('2025-03-01T12:00:05.200Z'), log, client)).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '0', 'ratelimit-reset': '1' });
  const burst = await enforceClientRate(deps('2025-03-01T12:00:05.300Z'), log, client).catch((e: unknown) => e);
  expect((burst as RateLimitedError).decision).toMatchObject({ allowed: false, scope: 'second', limit: 2 });
  expect((burst as RateLimitedError).headers['retry-after']).toBe('1');
  for (const t of ['06.0', '06.5', '07.0', '07.5']) await enforceClientRate(deps(`2025-03-01T12:00:${t}Z`), log, client);
  const spent = await enforceClientRate(deps('2025-03-01T12:00:08Z'), log, client).catch((e: unknown) => e);
  expect((spent as RateLimitedError).decision).toMatchObject({ allowed: false, scope: 'minute', limit: 6 });
  expect((spent as RateLimitedError).headers['retry-after']).toBe('52');
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
  await expect(runAs(reader, () => repo.take('erp', '2025-03-01T10:15:00.000Z', 's01', { perMinute: 5, perSecond: 5 }, 1))).resolves.toEqual({ taken: true, minute: 1, second: 1 });
  // The counter partition, but another attribute: refused, as dynamodb:Attributes refuses it in AWS.
  await expect(runAs(reader, () => guarded.doc.send(new UpdateCommand({ TableName: guarded.tableName, Key: { PK: 'RATE#erp', SK: 'X' }, UpdateExpression: 'SET #a = :a', ExpressionAttributeNames: { '#a': 'status' }, ExpressionAttributeValues: { ':a': 1 } })))).rejects.toThrow(/not allowed/);
  await expect(runAs(reader, () => update('CUST#1'))).rejects.toThrow(/customers-list is not allowed Update(Item)?Command/);
  await expect(runAs({ name: 'users-list', table: 'read', http: listUsers }, () => repo.take('erp', '2025-03-01T10:15:00.000Z', 's01', { perMinute: 5, perSecond: 5 }, 1))).rejects.toThrow(/users-list is not allowed/);
  await expect(runAs({ name: 'worker', table: 'read' }, () => update('RATE#erp'))).rejects.toThrow(/not allowed/);
});
