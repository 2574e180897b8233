import type { SQSEvent } from 'aws-lambda';
import { handler as ingest } from '../../functions/workers/ingest';
import { cdnowSummary, parseCdnow } from '../../shared/domain/cdnow';
import type { RawDelivery } from '../../shared/domain/ingest';
import { toMinor } from '../../shared/domain/money';
import { historyOf } from '../../shared/domain/segmentation/engine';
import { setDeps, type Deps } from '../../shared/runtime/deps';
import { scanAggregates } from '../../shared/store/aggregates-scan';
import { runValueModels } from '../../shared/usecases/value-models/fit';
import { testDeps } from '../support/db';
import { readShared } from '../support/shared-data';
import { drainStream } from '../support/stream';

/**
 * The value models fitted from ingested orders reproduce the published CDNOW estimates: the
 * calibration period's 4,960 purchases (2,357 customers, 1997-01-01 … 1997-09-30) go through the
 * real ingest worker and the stream projection, and the scheduled run fits BG/NBD (in days) and
 * Gamma-Gamma (in cents) on the aggregates — not on the summary file.
 */
const CALIBRATION_END = '1997-09-30';
const envelopes = parseCdnow(readShared('data', 'cdnow', 'CDNOW_sample.txt')).filter((e) => (e.data.placedAt as string).slice(0, 10) <= CALIBRATION_END);
const rel = (ours: number, theirs: number) => Math.abs(ours / theirs - 1);
let deps: Deps;

beforeAll(async () => {
  const base = await testDeps();
  deps = { ...base, clock: { now: () => new Date(`${CALIBRATION_END}T23:00:00.000Z`) } };
  setDeps(deps);
  await deps.definitions.putValueConfig({ baseCurrency: 'USD', version: 1 }, 0);
  // Customers in parallel (16 at a time), each customer's purchases in order, as a shop would send them.
  const byCustomer = new Map<string, typeof envelopes>();
  for (const e of envelopes) {
    const id = (e.data.customer as { id: string }).id;
    byCustomer.set(id, [...(byCustomer.get(id) ?? []), e]);
  }
  const queue = [...byCustomer.values()];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let list = queue.shift(); list; list = queue.shift()) {
        for (const e of list) {
          const d: RawDelivery = { deliveryId: e.id, source: 'generic', sourceId: 'cdnow', topic: e.type, receivedAt: `${CALIBRATION_END}T23:00:00.000Z`, body: JSON.stringify(e), correlationId: e.id };
          const res = await ingest({ Records: [{ messageId: e.id, body: JSON.stringify(d) }] } as unknown as SQSEvent);
          if (res.batchItemFailures.length) throw new Error(`ingest failed for ${e.id}`);
        }
      }
    }),
  );
  await drainStream(deps);
}, 600_000);

describe('value models from the ingested CDNOW orders', () => {
  it('rebuild every customer’s repeat purchases, recency, age and mean repeat spend from the aggregates', async () => {
    const expected = cdnowSummary(
      envelopes.map((e) => ({ placedAt: e.data.placedAt as string, totalMinor: toMinor(e.data.total as string, 'USD'), currency: 'USD', identity: { platformCustomerId: (e.data.customer as { id: string }).id } })),
      CALIBRATION_END,
    );
    const fromStore: string[] = [];
    await scanAggregates(deps.db, (page) => {
      for (const { aggregates } of page) {
        const h = historyOf(aggregates, `${CALIBRATION_END}T23:00:00.000Z`, 'USD')!;
        fromStore.push(`${h.x} ${(h.t_x / 7).toFixed(6)} ${(h.T / 7).toFixed(6)} ${((h.zbar ?? 0) / 100).toFixed(6)}`);
      }
    });
    const published = [...expected.values()].map((r) => `${r.x} ${r.t_x.toFixed(6)} ${r.T.toFixed(6)} ${r.zbar.toFixed(6)}`);
    expect(fromStore.length).toBe(2357);
    expect(fromStore.sort()).toEqual(published.sort());
  });

  it('fit BG/NBD within 1 % and Gamma-Gamma within 2 % of the published parameters', async () => {
    const run = await runValueModels(deps);
    expect(run.buyers).toBe(2357);
    const bg = run.model!.bgnbd;
    const gg = run.model!.gammaGamma!;
    // Days and cents in production; the papers use weeks and dollars.
    const fitted = { r: bg.r, alpha: bg.alpha / 7, a: bg.a, b: bg.b, p: gg.p, q: gg.q, v: gg.v / 100 };
    const published = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258, p: 6.25, q: 3.74, v: 15.45 };
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect({ k, err: rel(fitted[k], published[k]) < 0.01 }).toEqual({ k, err: true });
    for (const k of ['p', 'q', 'v'] as const) expect({ k, err: rel(fitted[k], published[k]) < 0.02 }).toEqual({ k, err: true });
    // Stored for the engine: the next evaluation of a customer carries their predictions.
    expect((await deps.definitions.valueConfig()).model?.bgnbd.r).toBe(bg.r);
    expect((await deps.definitions.valueConfig()).rfm?.buyers).toBe(2357);
  });
});
