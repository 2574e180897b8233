import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { handler as ingestHandler } from '../functions/workers/ingest';
import { handler as relayHandler } from '../functions/workers/outbox-relay';
import { StreamPoller } from '../infra/local/stream-poller';
import { streamRecordMatches, WIRING } from '../infra/wiring';
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
  const streamArn = await ensureTable(endpoint, tableName);
  const doc = createDocumentClient({ endpoint, credentials: LOCAL_CREDENTIALS });
  const wcu = { worker: 0, relay: 0 };
  let phase: keyof typeof wcu = 'worker';
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      // Writes report CapacityUnits (plain writes) or WriteCapacityUnits (transactions).
      if (/Put|Update|Delete|Write/.test(String(context.commandName))) {
        const raw = (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        for (const c of (Array.isArray(raw) ? raw : raw ? [raw] : []) as { CapacityUnits?: number; WriteCapacityUnits?: number }[]) wcu[phase] += c.WriteCapacityUnits ?? c.CapacityUnits ?? 0;
      }
      return out;
    },
    { step: 'initialize', name: 'countWrites' },
  );
  const deps = buildDeps({ ...loadConfig({}), tableName }, Buffer.alloc(32, 5), { db: { doc, tableName }, publisher: async () => ({ publish: async () => ({ failedIds: [] }) }) });
  setDeps(deps);
  const envs = cdnow().slice(0, orders);
  for (const e of envs) {
    const d: RawDelivery = { deliveryId: e.id, source: 'generic', sourceId: 'bench', topic: e.type, receivedAt: new Date().toISOString(), body: JSON.stringify(e), correlationId: 'bench' };
    const event = { Records: [{ messageId: e.id, body: JSON.stringify(d) }] } as unknown as SQSEvent;
    const res = await ingestHandler(event);
    if (res.batchItemFailures.length) throw new Error(`ingest failed for ${e.id}`);
  }
  // The order projection (aggregates) and the derived events run on the stream: their writes count too.
  phase = 'relay';
  const spec = WIRING.find((f) => f.stream)!;
  const poller = new StreamPoller({
    endpoint,
    streamArn,
    batchSize: spec.stream!.batchSize,
    maxRetries: 3,
    retryDelayMs: 50,
    filter: (r) => streamRecordMatches(spec.stream!.filters, r),
    invoke: (event) => relayHandler(event),
  });
  await poller.drain();
  await poller.stop();
  if (poller.deadLetters().length) throw new Error('the stream relay failed during the write-unit benchmark');
  setDeps(undefined);
  doc.destroy();
  const customers = new Set(envs.map((e) => (e.data as { customer?: { id?: string } }).customer?.id)).size;
  const per = (n: number) => round(n / envs.length, 2);
  return {
    name: 'write units per ingested order',
    value: per(wcu.worker + wcu.relay),
    unit: 'WRU',
    target: 6,
    better: 'lower',
    note: `${envs.length} CDNOW orders of ${customers} customers through the ingest worker (${per(wcu.worker)}: delivery marker, order pointer and item, new profiles with their identity claims) and the stream relay (${per(wcu.relay)}: aggregates); DynamoDB Local ConsumedCapacity of every write`,
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
