import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Deps } from '../../shared/runtime/deps';
import type { MessageQueue, QueueName } from '../../shared/runtime/message-queue';
import { customerPk, SK } from '../../shared/store/keys';
import type { Evaluation } from '../../shared/store/membership-repo';
import { createCustomer } from '../../shared/usecases/customers';
import { parseJobMessage, presentJob, type StepOptions } from '../../shared/usecases/jobs/jobs';
import { runJobStep } from '../../shared/usecases/jobs/steps';
import { BACKFILL_SEGMENTS, backfillSegmentScan } from '../../shared/usecases/segmentation/backfill';
import { evaluateCustomer } from '../../shared/usecases/segmentation/evaluate-customer';
import { createSegment, updateSegment } from '../../shared/usecases/segmentation/segments';
import { testDeps } from '../support/db';
import { ctxOf, publishedTypes } from './helpers';

/** Segment backfills: a parallel Scan in 16 parts, checkpointed, superseded by a newer edit, exact counters. */
class Queue implements MessageQueue {
  sent: { queue: QueueName; body: string }[] = [];
  async send(queue: QueueName, body: string) {
    this.sent.push({ queue, body });
  }
  take(queue: QueueName): string[] {
    const out = this.sent.filter((m) => m.queue === queue).map((m) => m.body);
    this.sent = this.sent.filter((m) => m.queue !== queue);
    return out;
  }
}

/** Runs the jobs queue as the worker does until it is empty; returns how many steps ran. */
async function drainJobs(deps: Deps, queue: Queue, opts: StepOptions = {}): Promise<number> {
  let steps = 0;
  for (let batch = queue.take('jobs'); batch.length; batch = queue.take('jobs')) {
    for (const body of batch) {
      const { jobId, part } = parseJobMessage(body);
      steps++;
      if ((await runJobStep(ctxOf(deps), jobId, part, opts)) === 'more') await queue.send('jobs', body);
    }
  }
  return steps;
}

const spent = (usd: number) => ({ orderCount: usd > 0 ? 1 : 0, spentMinor: usd > 0 ? { USD: usd * 100 } : {}, refundedMinor: {}, days: {}, ...(usd > 0 ? { firstOrderAt: '2026-01-10T00:00:00.000Z', lastOrderAt: '2026-01-10T00:00:00.000Z' } : {}), version: 1 });

async function world(n = 40) {
  const queue = new Queue();
  const deps = await testDeps({ queue });
  await deps.definitions.putValueConfig({ baseCurrency: 'USD', version: 1 }, 0);
  const ids: string[] = [];
  const usd = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const c = await createCustomer(ctxOf(deps), { name: `Buyer ${i}`, tags: i % 5 === 0 ? ['wholesale'] : [] });
    const amount = (i * 37) % 300; // 0 .. 299 dollars
    await deps.db.doc.send(new PutCommand({ TableName: deps.db.tableName, Item: { PK: customerPk(c.id), SK: SK.aggregates, entity: 'aggregates', ...spent(amount) } }));
    ids.push(c.id);
    usd.set(c.id, amount);
  }
  // Steady state: the segmentation consumer has evaluated everyone once.
  for (const id of ids) await evaluateCustomer(ctxOf(deps), id);
  return { deps, queue, ids, usd };
}

const stateVersions = async (deps: Deps, ids: string[]) => new Map(await Promise.all(ids.map(async (id) => [id, (await deps.membership.header(id)).state?.version ?? 0] as const)));

async function allMembers(deps: Deps, segmentId: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.membership.members(segmentId, 7, cursor);
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return out.sort();
}

describe('segment backfill', () => {
  it('puts exactly the matching customers in a new segment with 16 Scan parts, writing only customers whose result changed', async () => {
    const { deps, queue, ids, usd } = await world();
    const before = await stateVersions(deps, ids);
    const { segment, job } = await createSegment(ctxOf(deps), queue, { name: 'Big spenders', condition: { kind: 'orders', field: 'totalSpent', op: 'gte', value: 150 } });
    expect(job.parts).toBe(BACKFILL_SEGMENTS);
    expect(queue.sent.filter((m) => m.queue === 'jobs')).toHaveLength(BACKFILL_SEGMENTS);
    await drainJobs(deps, queue);

    const expected = ids.filter((id) => usd.get(id)! >= 150).sort();
    expect(expected.length).toBeGreaterThan(5);
    expect(await allMembers(deps, segment.id)).toEqual(expected);
    const done = (await deps.jobs.get(job.id))!;
    expect(presentJob(done.job, done.parts)).toMatchObject({ status: 'completed', progress: { customers: ids.length, changed: expected.length, failed: 0, parts: 16, partsDone: 16 } });
    expect(presentJob(done.job, done.parts).progress.scanned).toBeGreaterThanOrEqual(ids.length * 3);
    expect((await deps.definitions.getSegment(segment.id))!.backfill).toEqual({ jobId: job.id, status: 'done', version: 1 });

    // Only the entrants were written (their state version moved); everyone else was left alone.
    const after = await stateVersions(deps, ids);
    expect(ids.filter((id) => after.get(id) !== before.get(id)).sort()).toEqual(expected);
    expect((await publishedTypes(deps)).filter((t) => t === 'SegmentEntered')).toHaveLength(expected.length);
  });

  it('resumes every part from its checkpoint after a timeout and counts each customer once, however often a step is delivered', async () => {
    const { deps, queue, ids, usd } = await world(30);
    const { segment, job } = await createSegment(ctxOf(deps), queue, { name: 'Mid', condition: { kind: 'orders', field: 'totalSpent', op: 'between', value: [50, 200] } });
    // Every step stops after one page of two items (the deadline has passed), and each message is delivered twice.
    const dup = { sent: queue.sent, send: async (q: QueueName, body: string) => void queue.sent.push({ queue: q, body }, { queue: q, body }) };
    let steps = 0;
    for (let batch = queue.take('jobs'); batch.length; batch = queue.take('jobs')) {
      await Promise.all(
        batch.map(async (body) => {
          const { jobId, part } = parseJobMessage(body);
          steps++;
          if ((await runJobStep(ctxOf(deps), jobId, part, { deadline: 0, pageLimit: 2 })) === 'more') await dup.send('jobs', body);
        }),
      );
    }
    expect(steps).toBeGreaterThan(BACKFILL_SEGMENTS * 2);
    const expected = ids.filter((id) => usd.get(id)! >= 50 && usd.get(id)! <= 200).sort();
    expect(await allMembers(deps, segment.id)).toEqual(expected);
    const done = (await deps.jobs.get(job.id))!;
    expect(presentJob(done.job, done.parts)).toMatchObject({ status: 'completed', progress: { customers: ids.length, changed: expected.length } });
  });

  it('an edit while the backfill runs: the older job stops at its next step, the newer one takes over and is recorded', async () => {
    const { deps, queue, ids, usd } = await world(24);
    const { segment, job: first } = await createSegment(ctxOf(deps), queue, { name: 'Edited', condition: { kind: 'orders', field: 'totalSpent', op: 'gte', value: 250 } });
    // Half of the first job's parts take one step.
    const pending = queue.take('jobs');
    for (const body of pending.slice(0, 8)) {
      const { jobId, part } = parseJobMessage(body);
      await runJobStep(ctxOf(deps), jobId, part, { deadline: 0, pageLimit: 1 });
    }
    const { job: second } = await updateSegment(ctxOf(deps), queue, segment.id, { version: 1, condition: { kind: 'orders', field: 'totalSpent', op: 'lt', value: 100 } });
    expect(second).toBeDefined();
    for (const body of pending) {
      const { jobId, part } = parseJobMessage(body);
      expect(await runJobStep(ctxOf(deps), jobId, part)).toBe('idle');
    }
    expect(await deps.jobs.getJob(first.id)).toMatchObject({ status: 'cancelled', failure: `superseded by job ${second!.id}` });
    await drainJobs(deps, queue);
    expect(await allMembers(deps, segment.id)).toEqual(ids.filter((id) => usd.get(id)! < 100).sort());
    expect((await deps.definitions.getSegment(segment.id))!).toMatchObject({ version: 2, backfill: { jobId: second!.id, status: 'done', version: 2 } });
  });

  it('a customer changed between the Scan and the write is evaluated again on their own', async () => {
    const { deps, queue, ids } = await world(6);
    const rich = ids[4]!; // 148 dollars: not yet a member
    await deps.db.doc.send(new PutCommand({ TableName: deps.db.tableName, Item: { PK: customerPk(rich), SK: SK.aggregates, entity: 'aggregates', ...spent(500) } }));
    let raced = false;
    const membership = Object.create(deps.membership) as Deps['membership'];
    membership.apply = async (e: Evaluation) => {
      if (!raced && e.customerId === rich) {
        raced = true;
        await evaluateCustomer(ctxOf(deps), rich); // someone else got there first: the state version moves
      }
      return deps.membership.apply(e);
    };
    const racing = { ...deps, membership };
    const { segment, job } = await createSegment(ctxOf(racing), queue, { name: 'Rich', condition: { kind: 'orders', field: 'totalSpent', op: 'gte', value: 400 } });
    for (const body of queue.take('jobs')) {
      const { part } = parseJobMessage(body);
      while ((await backfillSegmentScan(racing, job.id, part)) === 'more');
    }
    expect(raced).toBe(true);
    expect(await allMembers(deps, segment.id)).toEqual([rich]);
    expect((await deps.jobs.getJob(job.id))!.status).toBe('completed');
  });
});
