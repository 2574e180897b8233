import { BatchWriteCommand, ScanCommand, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, LOCAL_CREDENTIALS } from '../infra/local/dynamodb-local';
import { parseCondition } from '../shared/domain/conditions';
import { newCustomer, type Customer } from '../shared/domain/customer';
import type { Aggregates } from '../shared/domain/orders';
import type { SegmentDef, TagDef, ValueConfig } from '../shared/domain/segmentation/definitions';
import { compileEngine, evaluate } from '../shared/domain/segmentation/engine';
import { loadConfig } from '../shared/runtime/config';
import { buildDeps, type Deps } from '../shared/runtime/deps';
import { createDocumentClient } from '../shared/store/client';
import { profileItem } from '../shared/store/customer-items';
import { customerPk, segmentRefKeys, SK } from '../shared/store/keys';
import { AGGREGATES_ENTITY } from '../shared/store/orders-repo';
import { SEGMENT_REF_ENTITY, STATE_ENTITY } from '../shared/store/membership-repo';
import { presentJob } from '../shared/usecases/jobs/jobs';
import { BACKFILL_SEGMENTS, backfillSegmentScan } from '../shared/usecases/segmentation/backfill';
import { createSegment } from '../shared/usecases/segmentation/segments';
import { median, round, type Result } from './lib';

/**
 * Backfill of a new segment against a bare parallel Scan of the same table, same DynamoDB Local,
 * same run. The table holds `profiles` customers as the live system would: profile, aggregates,
 * and the state and segment refs the engine gave them (existing segments, a rule tag, tiers, RFM
 * cuts and fitted value models), seeded with BatchWrite. Then, three times: a bare parallel Scan
 * (16 segments, consistent, the document client, nothing else) and the backfill of one new segment
 * (16 parts side by side, `backfillSegmentScan`, each customer run through the full engine; the
 * customers whose result changed written with their events), and a last Scan. The figure is each
 * backfill's items per second over the mean of the Scans just before and after it (the load of a
 * shared machine drifts), median of three.
 */
const DAY = 86_400_000;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A customer with a plausible order history (a third never ordered, most once, a long tail of repeat buyers). */
function customer(i: number, r: () => number, now: number): { profile: Customer; aggregates: Aggregates } {
  const orders = r() < 0.35 ? 0 : r() < 0.55 ? 1 : Math.min(40, 2 + Math.floor(-Math.log(1 - r()) * 3));
  const firstAt = now - (1 + Math.floor(r() * 380)) * DAY - Math.floor(r() * DAY);
  const lastAt = orders > 1 ? firstAt + Math.floor(r() * (now - firstAt)) : firstAt;
  const avgMinor = 1500 + Math.floor(r() * 12_000);
  const createdAt = new Date((orders ? firstAt : now - Math.floor(r() * 400) * DAY) - DAY).toISOString();
  const profile = newCustomer(
    `${day(now).replace(/-/g, '').slice(2)}BENCH${String(i).padStart(15, '0')}`.slice(0, 26),
    {
      name: `Customer ${i}`,
      email: `c${i}@example.com`,
      country: r() < 0.6 ? 'US' : 'CN',
      city: r() < 0.5 ? 'Shanghai' : 'Austin',
      tags: r() < 0.2 ? ['newsletter'] : [],
      consent: { email: { granted: r() < 0.7 } },
    },
    createdAt,
  );
  const days: Record<string, number> = {};
  const daySpend: Record<string, number> = {};
  if (orders) {
    days[day(firstAt)] = 1;
    daySpend[day(firstAt)] = avgMinor;
    if (orders > 1) {
      days[day(lastAt)] = (days[day(lastAt)] ?? 0) + orders - 1;
      daySpend[day(lastAt)] = (daySpend[day(lastAt)] ?? 0) + avgMinor * (orders - 1);
    }
  }
  const aggregates: Aggregates = {
    orderCount: orders,
    spentMinor: orders ? { USD: orders * avgMinor } : {},
    refundedMinor: {},
    ...(orders ? { firstOrderAt: new Date(firstAt).toISOString(), lastOrderAt: new Date(lastAt).toISOString(), daySpend: { USD: daySpend } } : {}),
    days,
    version: 1,
  };
  return { profile, aggregates };
}

/** Reads Scan segments to their end with nothing else done (the baseline); returns the items read. */
async function scanSegments(doc: DynamoDBDocumentClient, tableName: string, segments: readonly number[]): Promise<number> {
  let n = 0;
  await Promise.all(
    segments.map(async (seg) => {
      let start: Record<string, unknown> | undefined;
      do {
        const res = await doc.send(new ScanCommand({ TableName: tableName, Segment: seg, TotalSegments: BACKFILL_SEGMENTS, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
        n += res.Items?.length ?? 0;
        start = res.LastEvaluatedKey;
      } while (start);
    }),
  );
  return n;
}

/** Runs parts of a backfill job to their end, each part's steps one after another as the jobs queue would. */
async function backfillParts(deps: Deps, jobId: string, parts: readonly number[]): Promise<void> {
  await Promise.all(
    parts.map(async (part) => {
      while ((await backfillSegmentScan(deps, jobId, part)) === 'more');
    }),
  );
}

export async function benchBackfill(endpoint: string, profiles = 50_000): Promise<Result[]> {
  const tableName = `crm-bench-backfill-${Date.now()}`;
  await ensureTable(endpoint, tableName);
  const doc = createDocumentClient({ endpoint, credentials: LOCAL_CREDENTIALS });
  const queue = { send: async () => undefined };
  const deps = buildDeps({ ...loadConfig({}), tableName }, Buffer.alloc(32, 9), { db: { doc, tableName }, queue, publisher: async () => ({ publish: async () => ({ failedIds: [] }) }) });
  const ctx = { deps, correlationId: 'bench', actorId: 'bench' };
  try {
    // The brand's definitions: value settings with fitted models, three segments, a rule tag.
    const nowMs = Date.now();
    const at = new Date(nowMs).toISOString();
    const config: ValueConfig = {
      baseCurrency: 'USD',
      tiers: { currency: 'USD', tiers: [{ name: 'vip', minSpendMinor: 100_000, minOrders: 12 }, { name: 'high', minSpendMinor: 30_000, minOrders: 6 }, { name: 'medium', minSpendMinor: 10_000, minOrders: 2 }, { name: 'low' }] },
      rfm: { cuts: { recency: [30, 90, 180, 300], frequency: [1, 1, 2, 4], monetary: [3000, 7000, 15_000, 40_000], buyers: profiles }, computedAt: at, buyers: profiles },
      model: { bgnbd: { r: 0.243, alpha: 30.9, a: 0.793, b: 2.426 }, gammaGamma: { p: 6.25, q: 3.74, v: 1545 }, fittedAt: at, customers: profiles },
      version: 1,
    };
    const segment = (id: string, condition: unknown): SegmentDef => ({ id, name: id, condition: parseCondition(condition), version: 1, createdAt: at, updatedAt: at });
    const existing = [
      segment('seg-buyers', { kind: 'orders', field: 'count', op: 'gte', value: 1 }),
      segment('seg-lapsed', { kind: 'orders', field: 'daysSinceLastOrder', op: 'gte', value: 180 }),
      segment('seg-vip-email', { all: [{ kind: 'tier', op: 'eq', value: 'vip' }, { kind: 'consent', channel: 'email', granted: true }] }),
    ];
    const tags: TagDef[] = [{ name: 'repeat buyer', category: 'behaviour', condition: parseCondition({ kind: 'orders', field: 'count', op: 'gte', value: 2 }), version: 1, createdAt: at, updatedAt: at }];
    await deps.definitions.putValueConfig(config, 0);
    for (const s of existing) await deps.definitions.putSegment(s);
    for (const t of tags) await deps.definitions.putTag(t);

    // Seed: every customer as the engine left them (state and refs), written with BatchWrite.
    const engine = compileEngine(existing, tags, config);
    const r = rng(7);
    const now = new Date(nowMs);
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < profiles; i++) {
      const { profile, aggregates } = customer(i, r, nowMs);
      const e = evaluate(engine, { profile, aggregates, state: undefined, memberships: [], now });
      const pk = customerPk(profile.id);
      items.push(profileItem({ ...profile, tags: e.tags }));
      items.push({ PK: pk, SK: SK.aggregates, entity: AGGREGATES_ENTITY, ...aggregates });
      items.push({ PK: pk, SK: SK.state, entity: STATE_ENTITY, ...e.state });
      for (const segmentId of e.entered) items.push({ ...segmentRefKeys(profile.id, segmentId), entity: SEGMENT_REF_ENTITY, segmentId, customerId: profile.id, enteredAt: at });
    }
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < items.length) {
          let batch: unknown[] | undefined = items.slice(next, (next += 25)).map((Item) => ({ PutRequest: { Item } }));
          while (batch?.length) {
            const res: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch as never } }));
            batch = res.UnprocessedItems?.[tableName];
          }
        }
      }),
    );

    const all = Array.from({ length: BACKFILL_SEGMENTS }, (_, seg) => seg);
    const bareScan = async () => {
      const t0 = performance.now();
      const items = await scanSegments(doc, tableName, all);
      return { items, ms: performance.now() - t0 };
    };
    const candidates = [
      { name: 'big spenders', condition: { kind: 'orders', field: 'totalSpent', op: 'gte', value: 600 } },
      { name: 'frequent buyers', condition: { kind: 'orders', field: 'count', op: 'gte', value: 10 } },
      { name: 'champions at risk', condition: { all: [{ kind: 'rfm', field: 'm', op: 'gte', value: 5 }, { kind: 'orders', field: 'daysSinceLastOrder', op: 'gte', value: 300 }] } },
    ];
    await bareScan(); // warm-up: DynamoDB Local and the client's first pages
    const scans: { items: number; ms: number }[] = [];
    const fills: { items: number; customers: number; changed: number; ms: number }[] = [];
    for (const c of candidates) {
      scans.push(await bareScan());
      const t0 = performance.now();
      const { job } = await createSegment(ctx, queue, { name: c.name, condition: c.condition });
      await backfillParts(deps, job.id, all);
      const ms = performance.now() - t0;
      const done = (await deps.jobs.get(job.id))!;
      const p = presentJob(done.job, done.parts);
      if (p.status !== 'completed') throw new Error(`the backfill of "${c.name}" ended ${p.status}`);
      fills.push({ items: p.progress.scanned ?? 0, customers: p.progress.customers ?? 0, changed: p.progress.changed ?? 0, ms });
    }
    scans.push(await bareScan());
    // Each backfill against the mean of the Scans just before and after it (load on a shared machine drifts), median of three.
    const rate = (x: { items: number; ms: number }) => (x.items / x.ms) * 1000;
    const ratios = fills.map((f, i) => rate(f) / ((rate(scans[i]!) + rate(scans[i + 1]!)) / 2));
    const written = fills.map((f, i) => `${candidates[i]!.name}: ${f.changed} written, ratio ${round(ratios[i]!)}`).join('; ');
    const layout = '16 segments side by side in one process';
    const note = `${profiles} profiles (${scans[0]!.items} items: profile, aggregates, state, segment refs) on DynamoDB Local, ${layout}; bare parallel Scan (consistent, nothing else) median ${round(median(scans.map(rate)), 0)} items/s; backfill of a new segment (full engine: tiers, RFM, BG/NBD + Gamma-Gamma, 3 segments, a rule tag; ${written}) median ${round(median(fills.map(rate)), 0)} items/s; ratio of each backfill to the Scans around it, median of ${fills.length}`;
    return [
      { name: 'segment backfill vs bare parallel Scan', value: round(median(ratios)), unit: 'ratio', target: 0.5, better: 'higher', note },
      { name: 'segment backfill customers per second', value: round(median(fills.map((f) => (f.customers / f.ms) * 1000)), 0), unit: 'ops/s', target: null, better: 'higher', note: `the same backfills: customers evaluated per second, ${profiles} profiles, ${layout}` },
    ];
  } finally {
    doc.destroy();
  }
}
