import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, LOCAL_CREDENTIALS } from '../infra/local/dynamodb-local';
import { httpFunctions } from '../infra/wiring';
import { orderCount, type RollupAdd } from '../shared/domain/analytics/rollups';
import { addDays } from '../shared/domain/analytics/period';
import type { StoredOrder } from '../shared/domain/orders';
import { loadConfig } from '../shared/runtime/config';
import { buildDeps, setDeps, type Deps } from '../shared/runtime/deps';
import { createDocumentClient } from '../shared/store/client';
import { customerPk, ROLLUP_SHARDS, shardOf, SK, timelineSk } from '../shared/store/keys';
import { repoOf } from '../shared/store/repo-of';
import { RollupsRepo } from '../shared/store/rollups-repo';
import { runSnapshot } from '../shared/usecases/analytics/snapshot';
import { median, onFreshDynamo, round, type Result } from './lib';

/**
 * Issue 9's figures: a year of daily data (every day of a year with orders in two stores and three
 * sales channels, profiles, checkouts, messages; the full pass's daily, weekly and monthly series),
 * then the dashboard's calls through the real report handlers against DynamoDB Local — latency of a
 * whole dashboard load and of the longest daily report, against a bare Query in the same minute, and
 * the read units a load consumes (ConsumedCapacity). Done at two customer counts: the read units
 * must not grow with the customers (the reports read rollups and series, never the customers).
 * `CRM_BENCH_ANALYTICS_CUSTOMERS=500,2000` sets the counts (default 5000 and 20000: both with orders
 * on every day in every store, channel and shard, where the items a report reads stop growing).
 */
const DAY_MS = 86_400_000;
type Capacity = { CapacityUnits?: number };

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function batchPut(deps: Deps, items: Record<string, unknown>[]): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < items.length; i += 25) {
    if (process.env.CRM_BENCH_DEBUG && i % 10_000 === 0) console.log('put', i, 'of', items.length, Math.round(performance.now() - t0), 'ms');
    let req = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (req.length) {
      const res = await deps.db.doc.send(new BatchWriteCommand({ RequestItems: { [deps.db.tableName]: req } }));
      req = (res.UnprocessedItems?.[deps.db.tableName] ?? []) as typeof req;
    }
  }
}

const SOURCE_CHANNELS = ['web', 'wechat', 'tmall'];
const STORES = ['flagship', 'tmall'];
const SALES_CHANNELS = ['web', 'app', 'pos'];

/** An id starting with `prefix` whose rollup shard is `shard`: the generator lays counts on every shard in turn. */
function idOnShard(prefix: string, shard: number): string {
  for (let n = 0; ; n++) {
    const id = `${prefix}${n.toString(36)}`;
    if (shardOf(id, ROLLUP_SHARDS) === shard) return id;
  }
}

/**
 * A brand of `customers` profiles with a year of orders ending `today`, written as the store writes
 * them, and its rollups. The data is laid out so that every day counter a report can read exists at
 * both sizes: sign-ups every day of the first 300 in every source channel, store and shard (any 12
 * consecutive sign-ups cover them), and 2.5 orders per customer placed round-robin over the 365 days,
 * then over store × sales channel × shard (24 per day, reached from 3,504 customers). That is the
 * state a real brand's counters reach within weeks; below it a report reads fewer items (a counter
 * nobody counted on does not exist), never more: the items read are bounded by
 * days × dimension values × shards, whatever the number of customers.
 */
async function fill(deps: Deps, customers: number, today: string): Promise<{ orders: number }> {
  const r = rng(customers);
  const start = Date.parse(`${addDays(today, -364)}T00:00:00Z`);
  const items: Record<string, unknown>[] = [];
  const adds = new Map<string, { add: RollupAdd; shardKey: string }>();
  const merge = (key: string, add: RollupAdd, shardKey: string) => {
    const prev = adds.get(key);
    if (prev) for (const [a, v] of Object.entries(add.counters)) prev.add.counters[a] = (prev.add.counters[a] ?? 0) + v;
    else adds.set(key, { add: { ...add, counters: { ...add.counters } }, shardKey });
  };
  const ids: string[] = [];
  const signUpDay = (c: number) => Math.floor((c * 300) / customers);
  for (let c = 0; c < customers; c++) {
    const id = `01BENCH${String(c).padStart(19, '0')}`;
    ids.push(id);
    const channel = SOURCE_CHANNELS[c % 3]!;
    const store = STORES[Math.floor(c / 4) % 2]!;
    const created = new Date(start + signUpDay(c) * DAY_MS).toISOString();
    items.push({ PK: customerPk(id), SK: SK.profile, entity: 'customer', id, status: 'active', createdAt: created, updatedAt: created, sourceChannel: channel, store, platformIds: [], tags: [], consent: {}, attributes: {}, version: 1 });
    const shard = c % ROLLUP_SHARDS;
    merge(`c|${created.slice(0, 10)}|${channel}|${store}|${shard}`, { family: 'customers', day: created.slice(0, 10), values: { channel, store }, counters: { created: 1 } }, idOnShard(`created-${c}-`, shard));
  }
  const total = Math.floor(customers * 2.5);
  for (let j = 0; j < total; j++) {
    const dayIndex = j % 365;
    const round = Math.floor(j / 365);
    const store = STORES[round % 2]!;
    const channel = SALES_CHANNELS[Math.floor(round / 2) % 3]!;
    const shard = Math.floor(round / 6) % ROLLUP_SHARDS;
    // A customer who had signed up by that day.
    const eligible = Math.min(customers, Math.ceil(((dayIndex + 1) * customers) / 300));
    const c = Math.floor(r() * eligible);
    const id = ids[c]!;
    const placedAt = new Date(Math.max(start + dayIndex * DAY_MS, start + signUpDay(c) * DAY_MS) + Math.floor(r() * DAY_MS)).toISOString();
    const orderId = idOnShard(`${id}-${j}-`, shard);
    const o: StoredOrder = { platform: 'bench', store, orderId, identity: { platform: 'bench', store, sourceChannel: 'web' }, placedAt, updatedAt: placedAt, status: 'paid', currency: 'USD', totalMinor: 1_000 + Math.floor(r() * 20_000), subtotalMinor: 0, discountMinor: 0, taxMinor: 0, shippingMinor: 0, refundedMinor: 0, lines: [{ product: 'CD', quantity: 1, unitPriceMinor: 1_000 }], discountCodes: [], channel, customerId: id, refunds: {}, firstSeenAt: placedAt };
    items.push({ PK: customerPk(id), SK: timelineSk(`${id}${j}`), entity: 'order', ...o });
    const count = orderCount(o)!;
    merge(`o|${count.day}|${count.values.store}|${count.values.channel}|${shardOf(orderId, ROLLUP_SHARDS)}`, { family: 'orders', day: count.day, values: count.values, counters: count.counters }, orderId);
  }
  // The other families, every day of the year (their size does not depend on the customers either).
  for (let d = 0; d < 365; d++) {
    const day = addDays(today, -d);
    merge(`k|${day}`, { family: 'checkouts', day, values: { store: 'flagship' }, counters: { started: 10, completed: 7, abandoned: 3, recovered: 1 } }, day);
    merge(`m|${day}`, { family: 'messages', day, values: { channel: 'email', source: 'campaign' }, counters: { sent: 100, delivered: 98, opened: 40, clicked: 9, converted: 2 } }, day);
  }
  await batchPut(deps, items);
  const updates = repoOf(deps, RollupsRepo).updates([...adds.values()]);
  if (process.env.CRM_BENCH_DEBUG) console.log('rollup updates', updates.length);
  for (let i = 0; i < updates.length; i += 16) await Promise.all(updates.slice(i, i + 16).map((u) => deps.db.doc.send(new UpdateCommand(u.Update as never))));
  return { orders: total };
}

async function loadAt(endpoint: string, customers: number, timed: boolean): Promise<{ rcuPerLoad: number; loadMs: number; dailyMs: number; bareMs: number; itemsRead: number; snapshotMs: number }> {
  const tableName = `crm-bench-analytics-${customers}-${Date.now()}`;
  await ensureTable(endpoint, tableName);
  const doc = createDocumentClient({ endpoint, credentials: LOCAL_CREDENTIALS });
  let rcu = 0;
  let items = 0;
  doc.middlewareStack.add(
    (next) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      const raw = (out.output as { ConsumedCapacity?: Capacity | Capacity[]; Count?: number; Item?: unknown }).ConsumedCapacity;
      for (const c of Array.isArray(raw) ? raw : raw ? [raw] : []) rcu += c.CapacityUnits ?? 0;
      items += (out.output as { Count?: number }).Count ?? ((out.output as { Item?: unknown }).Item ? 1 : 0);
      return out;
    },
    { step: 'initialize', name: 'countReads' },
  );
  const deps = buildDeps({ ...loadConfig({}), tableName }, Buffer.alloc(32, 5), { db: { doc, tableName } });
  setDeps(deps);
  const today = new Date().toISOString().slice(0, 10);
  const tf = performance.now();
  await fill(deps, customers, today);
  if (process.env.CRM_BENCH_DEBUG) console.log(customers, 'fill ms', Math.round(performance.now() - tf));
  const t0 = performance.now();
  await runSnapshot(deps, { runId: 'bench' });
  const snapshotMs = performance.now() - t0;

  const handlers = new Map<string, (e: unknown, c: unknown) => Promise<APIGatewayProxyStructuredResultV2>>();
  for (const f of httpFunctions()) if (f.http.path.startsWith('/v1/reports/')) handlers.set(f.http.path, (await import(`../${f.entry}`)).handler);
  const get = async (path: string, query: Record<string, string>) => {
    const res = await handlers.get(path)!({ version: '2.0', routeKey: `GET ${path}`, rawPath: path, headers: {}, isBase64Encoded: false, queryStringParameters: query, requestContext: { requestId: 'bench', authorizer: { jwt: { claims: { sub: 'bench', 'cognito:groups': '[admin]' }, scopes: [] } } } }, {});
    if ((res.statusCode ?? 500) >= 400) throw new Error(`${path} answered ${res.statusCode}: ${res.body}`);
  };
  const from = addDays(today, -364);
  // What the page asks for with the "last 365 days" period (weekly buckets), plus the daily sales report.
  const dashboard = async () => {
    await Promise.all([
      get('/v1/reports/overview', { from, to: today }),
      get('/v1/reports/sales', { from, to: today, granularity: 'week', metrics: 'revenue,orders,aov,buyers,newBuyers,returningBuyers,repurchaseRate' }),
      get('/v1/reports/customers', { from, to: today, granularity: 'week', metrics: 'new,active,reactivated,dormant,churned,prospects,newProfiles' }),
      get('/v1/reports/cohorts', { from: addDays(today, -730).slice(0, 7), to: today.slice(0, 7), months: '18' }),
      get('/v1/reports/value', { window: '30' }),
      get('/v1/reports/checkouts', { from, to: today, granularity: 'week' }),
      get('/v1/reports/sales-activity', { from, to: today, granularity: 'week' }),
      get('/v1/reports/marketing', { from, to: today, granularity: 'week' }),
      get('/v1/reports/service', { from, to: today }),
      get('/v1/reports/service-trend', { from, to: today, granularity: 'week' }),
    ]);
  };
  await dashboard(); // warm
  if (process.env.CRM_BENCH_DEBUG) {
    for (const [path, q] of [['/v1/reports/overview', { from, to: today }], ['/v1/reports/sales', { from, to: today, granularity: 'week' }], ['/v1/reports/customers', { from, to: today, granularity: 'week', metrics: 'new,active,newProfiles' }], ['/v1/reports/value', {}], ['/v1/reports/cohorts', {}], ['/v1/reports/checkouts', { from, to: today, granularity: 'week' }], ['/v1/reports/marketing', { from, to: today, granularity: 'week' }]] as const) {
      rcu = 0;
      items = 0;
      await get(path, q as Record<string, string>);
      console.log(customers, path, rcu, items);
    }
  }
  rcu = 0;
  items = 0;
  await dashboard();
  const rcuPerLoad = rcu;
  const itemsRead = items;
  const loads: number[] = [];
  const dailies: number[] = [];
  const bares: number[] = [];
  // Latency is measured at the first size only (the second is there for the read units).
  for (let i = 0; i < (timed ? 7 : 0); i++) {
    let t = performance.now();
    await dashboard();
    loads.push(performance.now() - t);
    t = performance.now();
    await get('/v1/reports/sales', { from: addDays(today, -399), to: today, granularity: 'day' });
    dailies.push(performance.now() - t);
    t = performance.now();
    await doc.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'ANS#state' }, Limit: 1 }));
    bares.push(performance.now() - t);
  }
  setDeps(undefined);
  doc.destroy();
  // Free the emulator's memory (each size has an emulator of its own anyway).
  const admin = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  await admin.send(new DeleteTableCommand({ TableName: tableName }));
  admin.destroy();
  return { rcuPerLoad, itemsRead, loadMs: median(loads), dailyMs: median(dailies), bareMs: median(bares), snapshotMs };
}

/** Each size on an emulator of its own (bench/lib.ts onFreshDynamo: a used emulator slows down for good). */
export async function benchAnalytics(): Promise<Result[]> {
  const counts = (process.env.CRM_BENCH_ANALYTICS_CUSTOMERS ?? '5000,20000').split(',').map(Number);
  const [small, large] = [counts[0] ?? 5000, counts[1] ?? 20000];
  const a = await onFreshDynamo((endpoint) => loadAt(endpoint, small, true));
  const b = await onFreshDynamo((endpoint) => loadAt(endpoint, large, false));
  const note = (x: typeof a, n: number) => `${n} customers with a year of orders (2 stores, 3 channels), a year of daily rollups and series; the dashboard's 10 report calls (last 365 days, weekly) through the real handlers on DynamoDB Local, ${x.itemsRead} items read`;
  return [
    { name: `analytics dashboard load p50 (${small} customers)`, value: round(a.loadMs, 1), unit: 'ms', target: null, better: 'lower', note: `${note(a, small)}; median of 7 loads vs a bare Query ${round(a.bareMs, 2)} ms` },
    { name: 'analytics dashboard load vs bare Query', value: round(a.loadMs / a.bareMs, 1), unit: 'ratio', target: null, better: 'lower', note: 'the same loads against one bare DynamoDB Local Query in the same minute (the calls of a load run in parallel, as the page makes them)' },
    { name: 'analytics daily sales report, 400 days p50', value: round(a.dailyMs, 1), unit: 'ms', target: null, better: 'lower', note: `GET /v1/reports/sales granularity=day over 400 days (the longest daily period): one rollup Query, one series Query, ${small} customers` },
    { name: `analytics read units per dashboard load (${small} customers)`, value: round(a.rcuPerLoad, 1), unit: 'RCU', target: null, better: 'lower', note: note(a, small) },
    { name: `analytics read units per dashboard load (${large} customers)`, value: round(b.rcuPerLoad, 1), unit: 'RCU', target: null, better: 'lower', note: note(b, large) },
    { name: `analytics read units, ${large} vs ${small} customers`, value: round(b.rcuPerLoad / a.rcuPerLoad, 2), unit: 'ratio', target: 1.1, better: 'lower', note: `read units per load at ${large} vs ${small} customers: independent of the number of customers (the reports read day and bucket items, never the customers)` },
    { name: `analytics full pass (${small} customers)`, value: round(a.snapshotMs / 1000, 1), unit: 's', target: null, better: 'lower', note: `the daily snapshot (parallel Scan, history, series, cohorts, RFM, distributions, first write of every bucket) on DynamoDB Local` },
    { name: `analytics full pass (${large} customers)`, value: round(b.snapshotMs / 1000, 1), unit: 's', target: null, better: 'lower', note: `the same at ${large} customers: the part that grows with customers is the Scan and the per-customer history; the bucket writes are per day and slice` },
  ];
}

if (require.main === module) {
  void (async () => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const { mergeResults, printTable } = await import('./lib');
    const results = await benchAnalytics();
    mergeResults(results, 'analytics ', __dirname); // this group's rows of bench/results.json
    console.log(printTable(results));
  })();
}
