import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { handler as ingestHandler } from '../functions/workers/ingest';
import { ensureTable, LOCAL_CREDENTIALS } from '../infra/local/dynamodb-local';
import { startLocalStack } from '../infra/local/runtime';
import { parseCdnow } from '../shared/domain/cdnow';
import type { RawDelivery } from '../shared/domain/ingest';
import { signCrm } from '../shared/http/webhook-signatures';
import { loadConfig } from '../shared/runtime/config';
import { buildDeps, setDeps } from '../shared/runtime/deps';
import { createDocumentClient } from '../shared/store/client';
import { quantile, round, type Result } from './lib';

/**
 * Data-in figures: webhook receiver latency against a bare conditional PutItem (same DynamoDB
 * Local, same run, interleaved), DynamoDB write units per ingested order (from ConsumedCapacity,
 * CDNOW orders through the real worker), and end-to-end CDNOW orders per second over HTTP.
 */
const SHARED = process.env.CRM_SHARED_DIR ?? join(__dirname, '..', '..', 'shared');
const cdnow = () => parseCdnow(readFileSync(join(SHARED, 'data', 'cdnow', 'CDNOW_sample.txt'), 'utf8'));

export async function benchWriteUnits(endpoint: string, orders = 600): Promise<Result> {
  const tableName = `crm-bench-wcu-${Date.now()}`;
  await ensureTable(endpoint, tableName);
  const doc = createDocumentClient({ endpoint, credentials: LOCAL_CREDENTIALS });
  let wcu = 0;
  doc.middlewareStack.add(
    (next) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      const raw = (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      for (const c of (Array.isArray(raw) ? raw : raw ? [raw] : []) as { CapacityUnits?: number; WriteCapacityUnits?: number }[]) wcu += c.WriteCapacityUnits ?? 0;
      return out;
    },
    { step: 'initialize', name: 'countWrites' },
  );
  setDeps(buildDeps({ ...loadConfig({}), tableName }, Buffer.alloc(32, 5), { db: { doc, tableName } }));
  const envs = cdnow().slice(0, orders);
  for (const e of envs) {
    const d: RawDelivery = { deliveryId: e.id, source: 'generic', sourceId: 'bench', topic: e.type, receivedAt: new Date().toISOString(), body: JSON.stringify(e), correlationId: 'bench' };
    const event = { Records: [{ messageId: e.id, body: JSON.stringify(d) }] } as unknown as SQSEvent;
    const res = await ingestHandler(event);
    if (res.batchItemFailures.length) throw new Error(`ingest failed for ${e.id}`);
  }
  setDeps(undefined);
  doc.destroy();
  const customers = new Set(envs.map((e) => (e.data as { customer?: { id?: string } }).customer?.id)).size;
  return {
    name: 'write units per ingested order',
    value: round(wcu / envs.length, 2),
    unit: 'WRU',
    target: 6,
    better: 'lower',
    note: `${envs.length} CDNOW orders of ${customers} customers through the ingest worker (first orders also create the profile); DynamoDB Local ConsumedCapacity, transactional writes count double`,
  };
}

export async function benchReceiverAndThroughput(endpoint: string, requests = 300): Promise<Result[]> {
  const stateDir = mkdtempSync(join(tmpdir(), 'crm-bench-ingest-'));
  const stack = await startLocalStack({ port: 0, dynamoEndpoint: endpoint, tableName: `crm-bench-in-${Date.now()}`, stateDir, quiet: true, retryDelayMs: 200, streamPollMs: 50 });
  try {
    const secret = JSON.parse(readFileSync(stack.webhookSecretsFile, 'utf8')).generic.default[0] as string;
    const send = async (body: string) => {
      const res = await fetch(`${stack.url}/v1/webhooks/generic/default`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-crm-signature': signCrm(body, secret, Math.floor(Date.now() / 1000)) },
      });
      if (res.status !== 202) throw new Error(`receiver answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    };
    const doc = createDocumentClient({ endpoint, credentials: LOCAL_CREDENTIALS });
    const bare = (i: number) => doc.send(new PutCommand({ TableName: stack.tableName, Item: { PK: `BENCH#${Date.now()}#${i}`, SK: 'B', v: 1 }, ConditionExpression: 'attribute_not_exists(PK)' }));
    const behaviour = (i: number) => JSON.stringify({ id: `lat-${i}-${Date.now()}`, type: 'behaviour', occurredAt: new Date().toISOString(), data: { customer: { id: `lat-${i % 50}` }, action: 'browse', product: 'Mug' } });
    const tApi: number[] = [];
    const tBare: number[] = [];
    for (let i = 0; i < requests + 30; i++) {
      let t = performance.now();
      await bare(i);
      const b = performance.now() - t;
      t = performance.now();
      await send(behaviour(i));
      if (i >= 30) {
        tBare.push(b);
        tApi.push(performance.now() - t);
      }
    }
    await stack.waitForIdle(120_000);
    doc.destroy();
    const p = (xs: number[], q: number) => round(quantile(xs, q));
    const note = `POST /v1/webhooks/generic/{sourceId} (signature check, dedup read, queue) over local HTTP vs a bare conditional PutItem, ${requests} interleaved`;

    const envs = cdnow();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => { while (next < envs.length) await send(JSON.stringify(envs[next++])); }));
    await stack.waitForIdle(900_000);
    const seconds = (performance.now() - t0) / 1000;
    return [
      { name: 'webhook receiver p50', value: p(tApi, 0.5), unit: 'ms', target: null, better: 'lower', note: `${note}; bare PutItem p50 ${p(tBare, 0.5)} ms` },
      { name: 'webhook receiver p99', value: p(tApi, 0.99), unit: 'ms', target: null, better: 'lower', note: `${note}; bare PutItem p99 ${p(tBare, 0.99)} ms` },
      { name: 'webhook receiver p50 ratio', value: round(quantile(tApi, 0.5) / quantile(tBare, 0.5)), unit: 'ratio', target: 2, better: 'lower', note },
      { name: 'webhook receiver p99 ratio', value: round(quantile(tApi, 0.99) / quantile(tBare, 0.99)), unit: 'ratio', target: 2, better: 'lower', note },
      { name: 'CDNOW orders per second end to end', value: round(envs.length / seconds, 1), unit: 'ops/s', target: null, better: 'higher', note: `${envs.length} signed generic webhooks (16 concurrent senders) until every order is applied, local stack on 2 shared cores with DynamoDB Local` },
    ];
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
