import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../shared/domain/errors';
import type { Deps } from '../../shared/runtime/deps';
import type { MessageQueue, QueueName } from '../../shared/runtime/message-queue';
import { customerPk, SK } from '../../shared/store/keys';
import { changeTags, createCustomer } from '../../shared/usecases/customers';
import { parseJobMessage, presentJob, type StepOptions } from '../../shared/usecases/jobs/jobs';
import { runJobStep } from '../../shared/usecases/jobs/steps';
import { startBulkTags } from '../../shared/usecases/segmentation/bulk-tags';
import { createSegment } from '../../shared/usecases/segmentation/segments';
import { testDeps } from '../support/db';
import { ctxOf } from './helpers';

/** Bulk tag jobs: a segment, a search or everyone; checkpointed pages, counters counted once. */
class Queue implements MessageQueue {
  sent: { queue: QueueName; body: string }[] = [];
  async send(queue: QueueName, body: string) {
    this.sent.push({ queue, body });
  }
}

async function drainJobs(deps: Deps, queue: Queue, opts: StepOptions = {}): Promise<number> {
  let steps = 0;
  for (;;) {
    const batch = queue.sent.filter((m) => m.queue === 'jobs');
    queue.sent = queue.sent.filter((m) => m.queue !== 'jobs');
    if (!batch.length) return steps;
    for (const m of batch) {
      const { jobId, part } = parseJobMessage(m.body);
      steps++;
      if ((await runJobStep(ctxOf(deps), jobId, part, opts)) === 'more') await queue.send('jobs', m.body);
    }
  }
}

let deps: Deps;
let queue: Queue;
const ids: string[] = [];
beforeAll(async () => {
  queue = new Queue();
  deps = await testDeps({ queue });
  for (let i = 0; i < 12; i++) {
    const c = await createCustomer(ctxOf(deps), { name: i < 5 ? `Zhang ${i}` : `Wang ${i}`, email: `b${i}@example.com` });
    await deps.db.doc.send(
      new PutCommand({ TableName: deps.db.tableName, Item: { PK: customerPk(c.id), SK: SK.aggregates, entity: 'aggregates', orderCount: i % 3 === 0 ? 2 : 0, spentMinor: {}, refundedMinor: {}, days: {}, version: 1 } }),
    );
    ids.push(c.id);
  }
});

const tagsOf = async (id: string) => (await deps.customers.require(id)).tags;
const progress = async (jobId: string) => {
  const found = (await deps.jobs.get(jobId))!;
  return presentJob(found.job, found.parts);
};

describe('bulk tag jobs', () => {
  it('tags every member of a segment, in checkpointed pages, with its total known up front', async () => {
    const { segment } = await createSegment(ctxOf(deps), queue, { name: 'Repeat', condition: { kind: 'orders', field: 'count', op: 'gte', value: 2 } });
    await drainJobs(deps, queue);
    const members = ids.filter((_, i) => i % 3 === 0);
    const job = await startBulkTags(ctxOf(deps), queue, { add: ['repeat'], remove: [], target: { segmentId: segment.id } });
    expect(await progress(job.id)).toMatchObject({ kind: 'bulk-tags', status: 'running', progress: { total: members.length, processed: 0 } });
    const steps = await drainJobs(deps, queue, { pageLimit: 1, deadline: 0 });
    expect(steps).toBeGreaterThanOrEqual(members.length);
    expect(await progress(job.id)).toMatchObject({ status: 'completed', progress: { total: members.length, processed: members.length, changed: members.length, failed: 0 } });
    for (const id of ids) expect((await tagsOf(id)).includes('repeat')).toBe(members.includes(id));
  });

  it('a search by name prefix or identity; everyone; a retried page changes nothing twice', async () => {
    const byName = await startBulkTags(ctxOf(deps), queue, { add: ['zhang-family'], remove: [], target: { search: { name: 'zhang' } } });
    const byEmail = await startBulkTags(ctxOf(deps), queue, { add: ['found'], remove: [], target: { search: { email: 'B7@Example.com' } } });
    await drainJobs(deps, queue, { pageLimit: 2 });
    for (const [i, id] of ids.entries()) expect((await tagsOf(id)).includes('zhang-family')).toBe(i < 5);
    expect(await tagsOf(ids[7]!)).toContain('found');
    expect(await progress(byName.id)).toMatchObject({ status: 'completed', progress: { processed: 5, changed: 5 } });
    expect(await progress(byEmail.id)).toMatchObject({ status: 'completed', progress: { processed: 1, changed: 1 } });

    const everyone = await startBulkTags(ctxOf(deps), queue, { add: ['2026'], remove: ['zhang-family'], target: { all: true } });
    // The first step runs twice (a redelivered message): the duplicate goes on from the committed checkpoint, nothing counts twice.
    const first = queue.sent.find((m) => m.queue === 'jobs')!;
    const { jobId, part } = parseJobMessage(first.body);
    await runJobStep(ctxOf(deps), jobId, part, { pageLimit: 5, deadline: 0 });
    await drainJobs(deps, queue, { pageLimit: 5 });
    expect(await progress(everyone.id)).toMatchObject({ status: 'completed', progress: { processed: ids.length, changed: ids.length, failed: 0 } });
    for (const id of ids) {
      expect(await tagsOf(id)).toContain('2026');
      expect(await tagsOf(id)).not.toContain('zhang-family');
    }
  });

  it('a customer the change cannot be applied to is counted as failed and the job goes on', async () => {
    const full = ids[11]!;
    await changeTags(ctxOf(deps), full, Array.from({ length: 100 - (await tagsOf(full)).length }, (_, i) => `filler-${i}`), []);
    const job = await startBulkTags(ctxOf(deps), queue, { add: ['one-more'], remove: [], target: { search: { name: 'wang' } } });
    await drainJobs(deps, queue);
    expect(await progress(job.id)).toMatchObject({ status: 'completed', progress: { processed: 7, changed: 6, failed: 1 } });
  });

  it('refuses a target that is not exactly one of segment, search or all', async () => {
    const bad = async (target: unknown) => {
      const e = await startBulkTags(ctxOf(deps), queue, { add: ['x'], remove: [], target: target as never }).then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).issues[0]!.field;
    };
    expect(await bad({})).toBe('target');
    expect(await bad({ all: true, segmentId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })).toBe('target');
    expect(await bad({ segmentId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })).toBe('target.segmentId');
    expect(await bad({ search: { name: 'a', email: 'a@b.c' } })).toBe('target.search');
    expect(await bad({ search: { email: 'nope' } })).toBe('target.search.email');
    expect(await bad({ search: { platformId: '1' } })).toBe('target.search.platform');
  });
});
