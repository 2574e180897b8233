import { readFileSync } from 'node:fs';
import { cdnowSummary, CDNOW, parseCdnow, type SummaryOrder } from '../../shared/domain/cdnow';
import { platformIdentity } from '../../shared/domain/identity';
import { signCrm } from '../../shared/http/webhook-signatures';
import { getDeps } from '../../shared/runtime/deps';
import { readShared } from '../support/shared-data';
import { startTestStack, type TestStack } from './helpers';

/**
 * The proof of issue 3: the CDNOW purchase log (2,357 customers, 6,919 purchases) fed through the
 * signed generic webhook lands every order on the right profile, and the per-customer repeat
 * count, recency, age and mean repeat spend at 1997-09-30, computed from the INGESTED orders,
 * match the published summary for every customer.
 */
jest.setTimeout(600_000);

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

const envelopes = parseCdnow(readShared('data', 'cdnow', 'CDNOW_sample.txt'));
const published = readShared('data', 'cdnow', 'cdnow_customers_summary_with_transactions.csv')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','))
  .map(([id, x, tx, T, zbar]) => ({ id: id!, x: Number(x), t_x: Number(tx), T: Number(T), zbar: Number(zbar) }));

async function sendAll(expected: 'queued' | 'duplicate'): Promise<void> {
  const secret = JSON.parse(readFileSync(t.stack.webhookSecretsFile, 'utf8')).generic.default[0] as string;
  let next = 0;
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < envelopes.length) {
        const body = JSON.stringify(envelopes[next++]);
        const res = await fetch(`${t.stack.url}/v1/webhooks/generic/default`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'x-crm-signature': signCrm(body, secret, Math.floor(Date.now() / 1000)) },
        });
        const answer = (await res.json()) as { status?: string };
        if (answer.status !== expected) failures.push(`${res.status} ${JSON.stringify(answer)}`);
      }
    }),
  );
  expect(failures).toEqual([]);
  await t.stack.waitForIdle(600_000);
}

it('ingests the whole log through the generic webhook and matches the published summary for every customer', async () => {
  await sendAll('queued');
  const deps = await getDeps();
  const orders: SummaryOrder[] = [];
  let profiles = 0;
  for (const row of published) {
    const customerId = await deps.customers.findIdByIdentity({ kind: 'platform', value: platformIdentity(CDNOW.platform, CDNOW.store, row.id) });
    expect({ row: row.id, found: !!customerId }).toEqual({ row: row.id, found: true });
    profiles++;
    const mine = await deps.orders.listByCustomer(customerId!);
    const agg = await deps.orders.aggregates(customerId!);
    expect(agg.orderCount).toBe(mine.length);
    orders.push(...mine.map((o) => ({ placedAt: o.placedAt, totalMinor: o.totalMinor, currency: o.currency, status: o.status, identity: { platformCustomerId: row.id } })));
  }
  expect(profiles).toBe(2357);
  expect(orders).toHaveLength(6919);
  const summary = cdnowSummary(orders);
  const mismatches = published.filter((p) => {
    const s = summary.get(p.id);
    return !s || s.x !== p.x || Math.abs(s.t_x - p.t_x) > 0.006 || Math.abs(s.T - p.T) > 0.006 || Math.abs(s.zbar - p.zbar) > 0.006;
  });
  expect(mismatches.map((m) => m.id)).toEqual([]);

  // Replaying the whole log is recognized delivery by delivery and changes nothing.
  const before = await deps.orders.aggregates((await deps.customers.findIdByIdentity({ kind: 'platform', value: platformIdentity(CDNOW.platform, CDNOW.store, '1') }))!);
  await sendAll('duplicate');
  const after = await deps.orders.aggregates((await deps.customers.findIdByIdentity({ kind: 'platform', value: platformIdentity(CDNOW.platform, CDNOW.store, '1') }))!);
  expect({ ...after, version: 0 }).toEqual({ ...before, version: 0 });
});
