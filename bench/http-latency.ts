import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '../infra/local/dynamodb-local';
import { startLocalStack } from '../infra/local/runtime';
import { createDocumentClient } from '../shared/store/client';
import { customerPk, SK } from '../shared/store/keys';
import { quantile, round, type Result } from './lib';

/**
 * Local HTTP latency of GET /v1/customers/{id} through the whole local stack (socket, JWT check,
 * API Gateway event, handler, DynamoDB Local) against a bare GetItem of the same item on the same
 * DynamoDB Local, interleaved in the same run so machine noise hits both alike.
 */
export async function benchHttpLatency(endpoint: string, requests = 400): Promise<Result[]> {
  const stateDir = mkdtempSync(join(tmpdir(), 'crm-bench-'));
  const stack = await startLocalStack({ port: 0, dynamoEndpoint: endpoint, tableName: `crm-bench-http-${Date.now()}`, stateDir, quiet: true });
  try {
    const token = await stack.mintToken('admin');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${stack.url}/v1/customers`, { method: 'POST', headers, body: JSON.stringify({ name: 'Latency', email: 'lat@bench.example', city: 'Shenzhen' }) });
    const { id } = (await created.json()) as { id: string };
    const doc = createDocumentClient({ endpoint, credentials: LOCAL_CREDENTIALS });
    const bare = () => doc.send(new GetCommand({ TableName: stack.tableName, Key: { PK: customerPk(id), SK: SK.profile }, ConsistentRead: true }));
    const api = async () => {
      const r = await fetch(`${stack.url}/v1/customers/${id}`, { headers });
      if (r.status !== 200) throw new Error(`GET answered ${r.status}`);
      await r.arrayBuffer();
    };
    for (let i = 0; i < 30; i++) {
      await bare();
      await api();
    }
    const tBare: number[] = [];
    const tApi: number[] = [];
    for (let i = 0; i < requests; i++) {
      let t = performance.now();
      await bare();
      tBare.push(performance.now() - t);
      t = performance.now();
      await api();
      tApi.push(performance.now() - t);
    }
    doc.destroy();
    const p = (xs: number[], q: number) => round(quantile(xs, q));
    const note = (q: number) => `GET /v1/customers/{id} over local HTTP ${p(tApi, q)} ms vs bare GetItem ${p(tBare, q)} ms, ${requests} interleaved requests`;
    return [
      { name: 'local http get-customer p50', value: p(tApi, 0.5), unit: 'ms', target: null, better: 'lower', note: note(0.5) },
      { name: 'local http get-customer p99', value: p(tApi, 0.99), unit: 'ms', target: null, better: 'lower', note: note(0.99) },
      { name: 'local http get-customer p50 ratio', value: round(quantile(tApi, 0.5) / quantile(tBare, 0.5)), unit: 'ratio', target: 2, better: 'lower', note: note(0.5) },
      { name: 'local http get-customer p99 ratio', value: round(quantile(tApi, 0.99) / quantile(tBare, 0.99)), unit: 'ratio', target: 2, better: 'lower', note: note(0.99) },
    ];
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
