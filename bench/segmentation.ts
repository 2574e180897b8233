import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../infra/local/runtime';
import { parseCondition } from '../shared/domain/conditions';
import { signCrm } from '../shared/http/webhook-signatures';
import { getDeps } from '../shared/runtime/deps';
import { quantile, round, type Result } from './lib';

/**
 * Event-to-membership latency in the local stack: a signed order webhook for a new buyer, timed
 * from the request until the buyer's segment ref exists (receiver, ingest queue and worker, the
 * table stream and its projection, the event bus, the segmentation consumer). Samples one after
 * another, so each is a lone event, as most are.
 */
export async function benchSegmentLatency(endpoint: string, samples = 40): Promise<Result[]> {
  const stateDir = mkdtempSync(join(tmpdir(), 'crm-bench-seg-'));
  const stack = await startLocalStack({ port: 0, dynamoEndpoint: endpoint, tableName: `crm-bench-seg-${Date.now()}`, stateDir, quiet: true, retryDelayMs: 200, streamPollMs: 50 });
  try {
    const secret = JSON.parse(readFileSync(stack.webhookSecretsFile, 'utf8')).generic.default[0] as string;
    const deps = await getDeps();
    const now = new Date().toISOString();
    await deps.definitions.putSegment({ id: 'buyers', name: 'buyers', condition: parseCondition({ kind: 'orders', field: 'count', op: 'gte', value: 1 }), version: 1, createdAt: now, updatedAt: now });
    const times: number[] = [];
    for (let i = 0; i < samples + 5; i++) {
      const body = JSON.stringify({
        id: `lat-${i}`,
        type: 'order.upsert',
        occurredAt: new Date().toISOString(),
        data: { platform: 'bench', store: 'main', orderId: `lat-${i}`, customer: { id: `buyer-${i}` }, placedAt: new Date().toISOString(), status: 'paid', currency: 'USD', total: '10.00' },
      });
      const t0 = performance.now();
      const res = await fetch(`${stack.url}/v1/webhooks/generic/default`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-crm-signature': signCrm(body, secret, Math.floor(Date.now() / 1000)) } });
      if (res.status !== 202) throw new Error(`receiver answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      for (;;) {
        const ref = await deps.orders.ref('bench', 'main', `lat-${i}`);
        if (ref && (await deps.membership.header(ref.customerId)).memberships.includes('buyers')) break;
        if (performance.now() - t0 > 30_000) throw new Error(`buyer-${i} did not enter the segment within 30 s`);
        await new Promise((r) => setTimeout(r, 10));
      }
      if (i >= 5) times.push(performance.now() - t0);
      await stack.waitForIdle(30_000);
    }
    const note = `signed order webhook for a new buyer until their segment ref exists, ${samples} lone events, local stack (stream poll 50 ms) on DynamoDB Local`;
    return [
      { name: 'event-to-membership latency p50', value: round(quantile(times, 0.5)), unit: 'ms', target: null, better: 'lower', note },
      { name: 'event-to-membership latency p95', value: round(quantile(times, 0.95)), unit: 'ms', target: 2000, better: 'lower', note },
    ];
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
