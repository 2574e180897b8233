import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, LOCAL_CREDENTIALS } from '../infra/local/dynamodb-local';
import { startLocalStack } from '../infra/local/runtime';
import { clientToken } from '../infra/local/token-users';
import { burstOf, DEFAULT_RATE_PER_MINUTE } from '../shared/domain/rate-limit';
import { enforceClientRate, RateLimitedError } from '../shared/http/rate-limit';
import { createDocumentClient, type Db } from '../shared/store/client';
import { customerPk, SK } from '../shared/store/keys';
import { quantile, round, type Result } from './lib';

/**
 * Per-client throttling (issue 7), on DynamoDB Local:
 * - what the limiter adds to a machine client's request through the whole local stack (socket, JWT,
 *   grant check, counter write, handler): GET /v1/customers/{id} as a counted client against the
 *   same GET as a person (not counted), interleaved so machine noise hits both alike;
 * - the counter write alone against a bare GetItem;
 * - accuracy under concurrency: a simulated minute in which 32 callers fire 100 requests in every
 *   second at a client with the default limits (600 a minute, 60 a second). The limiter must admit
 *   exactly 60 in each of the first 10 seconds and none after: nothing beyond either limit.
 */
const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

async function httpOverhead(endpoint: string, requests: number): Promise<{ personP50: number; clientP50: number; clientP99: number; personP99: number }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'crm-bench-limiter-'));
  const stack = await startLocalStack({ port: 0, dynamoEndpoint: endpoint, tableName: `crm-bench-limiter-${Date.now()}`, stateDir, quiet: true });
  try {
    const admin = { authorization: `Bearer ${await stack.mintToken('admin')}`, 'content-type': 'application/json' };
    const created = await fetch(`${stack.url}/v1/customers`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'Limiter', email: 'limiter@bench.example' }) });
    const { id } = (await created.json()) as { id: string };
    // High enough limits that the timing loop is never refused: what is measured is the counting.
    const grant = await fetch(`${stack.url}/v1/integration-clients/bench-erp`, { method: 'PUT', headers: admin, body: JSON.stringify({ name: 'Bench ERP', families: ['customers'], operations: [], ratePerMinute: 30_000, burstPerSecond: 500 }) });
    if (grant.status !== 200) throw new Error(`grant answered ${grant.status}`);
    const person = { authorization: `Bearer ${await stack.mintToken('agent')}` };
    const machine = { authorization: `Bearer ${await clientToken(stateDir, 'bench-erp')}` };
    const get = async (headers: Record<string, string>, counted: boolean) => {
      const t = performance.now();
      const r = await fetch(`${stack.url}/v1/customers/${id}`, { headers });
      await r.arrayBuffer();
      const ms = performance.now() - t;
      if (r.status !== 200 || (r.headers.get('ratelimit-limit') !== null) !== counted) throw new Error(`GET answered ${r.status}, counted ${r.headers.get('ratelimit-limit')}`);
      return ms;
    };
    for (let i = 0; i < 30; i++) await Promise.all([get(person, false), get(machine, true)]); // warm
    const p: number[] = [];
    const c: number[] = [];
    for (let i = 0; i < requests; i++) {
      p.push(await get(person, false));
      c.push(await get(machine, true));
    }
    return { personP50: quantile(p, 0.5), clientP50: quantile(c, 0.5), personP99: quantile(p, 0.99), clientP99: quantile(c, 0.99) };
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function counterWrite(db: Db, requests: number): Promise<{ takeP50: number; bareP50: number }> {
  let now = Date.parse('2026-01-05T10:00:00Z');
  // 5 ms per call: 200 a second, under the 500 burst; a minute of 30,000 is not reached.
  const deps = () => ({ db, clock: { now: () => new Date((now += 5)) }, config: { integrationRatePerMinute: DEFAULT_RATE_PER_MINUTE } });
  const client = { id: 'timing', ratePerMinute: 30_000, burstPerSecond: 500 };
  await enforceClientRate(deps(), log, client);
  const take: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < requests; i++) {
    let t = performance.now();
    await enforceClientRate(deps(), log, client);
    take.push(performance.now() - t);
    t = performance.now();
    await db.doc.send(new GetCommand({ TableName: db.tableName, Key: { PK: customerPk('none'), SK: SK.profile } }));
    bare.push(performance.now() - t);
  }
  return { takeP50: quantile(take, 0.5), bareP50: quantile(bare, 0.5) };
}

async function accuracy(db: Db): Promise<{ admitted: number; beyond: number; short: number; maxPerSecond: number; perSecondLimit: number; requests: number; opsPerSecond: number }> {
  const perMinute = DEFAULT_RATE_PER_MINUTE;
  const perSecond = burstOf(undefined, perMinute);
  const minuteStart = Date.parse('2026-01-05T11:00:00Z');
  const config = { integrationRatePerMinute: perMinute };
  let admitted = 0;
  let beyond = 0;
  let short = 0;
  let maxPerSecond = 0;
  let requests = 0;
  const t0 = performance.now();
  for (let s = 0; s < 60; s++) {
    const deps = { db, clock: { now: () => new Date(minuteStart + s * 1000 + 500) }, config };
    let inSecond = 0;
    const worker = async (n: number) => {
      for (let i = 0; i < n; i++) {
        try {
          await enforceClientRate(deps, log, { id: 'busy-erp' });
          inSecond++;
        } catch (e) {
          if (!(e instanceof RateLimitedError)) throw e;
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, (_, w) => worker(w < 4 ? 4 : 3))); // 100 a second
    requests += 100;
    admitted += inSecond;
    maxPerSecond = Math.max(maxPerSecond, inSecond);
    const allowedHere = Math.max(0, Math.min(perSecond, perMinute - (admitted - inSecond)));
    beyond += Math.max(0, inSecond - allowedHere);
    short += Math.max(0, allowedHere - inSecond);
  }
  const opsPerSecond = requests / ((performance.now() - t0) / 1000);
  return { admitted, beyond, short, maxPerSecond, perSecondLimit: perSecond, requests, opsPerSecond };
}

export async function benchLimiter(endpoint: string): Promise<Result[]> {
  const tableName = `crm-bench-rate-${Date.now()}`;
  await ensureTable(endpoint, tableName);
  const db: Db = { doc: createDocumentClient({ endpoint, credentials: LOCAL_CREDENTIALS }), tableName };
  try {
    const w = await counterWrite(db, 400);
    const a = await accuracy(db);
    const h = await httpOverhead(endpoint, 300);
    return [
      { name: 'rate limiter: added to a machine request p50', value: round(h.clientP50 - h.personP50, 2), unit: 'ms', target: null, better: 'lower', note: `GET /v1/customers/{id} through the local stack as a counted machine client (p50 ${round(h.clientP50, 2)} ms, p99 ${round(h.clientP99, 2)} ms) against the same GET as a person, not counted (p50 ${round(h.personP50, 2)} ms, p99 ${round(h.personP99, 2)} ms), 300 each, interleaved; the difference is the grant read (cached) and the counter's UpdateItem` },
      { name: 'rate limiter: counter write p50', value: round(w.takeP50, 2), unit: 'ms', target: null, better: 'lower', note: `enforceClientRate alone (one conditional UpdateItem, 1 WRU) on DynamoDB Local against a bare GetItem in the same loop (p50 ${round(w.bareP50, 2)} ms), 400 each` },
      { name: 'rate limiter: requests admitted beyond the limits', value: a.beyond, unit: 'requests', target: 0, better: 'lower', note: `a simulated minute, 32 concurrent callers firing 100 requests in each of its 60 seconds (${a.requests} in all) at a client with the default limits (${DEFAULT_RATE_PER_MINUTE}/min, ${a.perSecondLimit}/s): ${a.admitted} admitted, at most ${a.maxPerSecond} in one second. Expected: exactly ${a.perSecondLimit} a second until the minute's ${DEFAULT_RATE_PER_MINUTE} are spent, then none` },
      { name: 'rate limiter: requests refused within the limits', value: a.short, unit: 'requests', target: 0, better: 'lower', note: 'the same minute: requests refused although both limits had room (a limiter that refuses too much fails clients as surely as one that admits too much)' },
      { name: 'rate limiter: concurrent decisions per second', value: round(a.opsPerSecond, 0), unit: 'req/s', target: null, better: 'higher', note: 'the same minute: decisions (admitted or refused) per second of wall time on one counter item, 32 callers, DynamoDB Local on this machine (in AWS one item takes about 1,000 writes a second; refusals write nothing)' },
    ];
  } finally {
    db.doc.destroy();
  }
}

if (require.main === module) {
  void (async () => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const { mergeResults, onFreshDynamo, printTable } = await import('./lib');
    const results = await onFreshDynamo((endpoint) => benchLimiter(endpoint));
    mergeResults(results, 'rate limiter:', __dirname); // this group's rows of bench/results.json
    console.log(printTable(results));
  })();
}
