import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../shared/domain/errors';
import type { Deps } from '../../shared/runtime/deps';
import type { MessageQueue, QueueName } from '../../shared/runtime/message-queue';
import type { CapturingPublisher } from '../support/db';
import { customerPk, SK } from '../../shared/store/keys';
import { createCustomer } from '../../shared/usecases/customers';
import { parseJobMessage, presentJob } from '../../shared/usecases/jobs/jobs';
import { runJobStep } from '../../shared/usecases/jobs/steps';
import { changeCustomerTags, createTag, deleteTag, listTags, requireTag, updateTag } from '../../shared/usecases/segmentation/tags';
import { testDeps } from '../support/db';
import { drainStream } from '../support/stream';
import { ctxOf } from './helpers';

/** The tag catalog, rule tags with their backfill, and manual tags on one customer. */
class Queue implements MessageQueue {
  sent: { queue: QueueName; body: string }[] = [];
  async send(queue: QueueName, body: string) {
    this.sent.push({ queue, body });
  }
}

async function drainJobs(deps: Deps, queue: Queue): Promise<void> {
  for (;;) {
    const batch = queue.sent.filter((m) => m.queue === 'jobs');
    queue.sent = queue.sent.filter((m) => m.queue !== 'jobs');
    if (!batch.length) return;
    for (const m of batch) {
      const { jobId, part } = parseJobMessage(m.body);
      if ((await runJobStep(ctxOf(deps), jobId, part)) === 'more') await queue.send('jobs', m.body);
    }
  }
}

const issuesOf = async (p: Promise<unknown>) => {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ValidationError);
  return (e as ValidationError).issues;
};

let deps: Deps & { db: { endpoint?: string; streamArn?: string } };
let queue: Queue;
beforeEach(async () => {
  queue = new Queue();
  deps = await testDeps({ queue });
});

async function customers(n: number, inquiries: (i: number) => number = () => 0): Promise<string[]> {
  const ids: string[] = [];
  const today = new Date().toISOString().slice(0, 10);
  for (let i = 0; i < n; i++) {
    const c = await createCustomer(ctxOf(deps), { name: `Tagged ${i}` });
    const k = inquiries(i);
    await deps.db.doc.send(
      new PutCommand({ TableName: deps.db.tableName, Item: { PK: customerPk(c.id), SK: SK.aggregates, entity: 'aggregates', orderCount: 0, spentMinor: {}, refundedMinor: {}, days: {}, activity: k ? { 'interaction:inquiry': { [today]: k } } : {}, version: 1 } }),
    );
    ids.push(c.id);
  }
  return ids;
}

describe('tag catalog', () => {
  it('keeps names unique ignoring case, filters by category, counts members, guards edits by version', async () => {
    const ctx = ctxOf(deps);
    const { tag } = await createTag(ctx, queue, { name: '  VIP ', category: 'value', description: 'our best' });
    expect(tag).toMatchObject({ name: 'VIP', category: 'value', version: 1 });
    await expect(createTag(ctx, queue, { name: 'vip', category: 'value' })).rejects.toMatchObject({ status: 409, extra: { existing: 'VIP' } });
    await expect(createTag(ctx, queue, { name: 'VIP', category: 'value' })).rejects.toMatchObject({ status: 409 });
    await createTag(ctx, queue, { name: 'newsletter', category: 'preference' });
    await createTag(ctx, queue, { name: 'gift buyer', category: 'behaviour' });
    expect((await requireTag(deps, 'vIp')).name).toBe('VIP');
    expect((await listTags(deps, { limit: 10, category: 'preference' })).items.map((t) => t.name)).toEqual(['newsletter']);
    const page1 = await listTags(deps, { limit: 2 });
    expect(page1.items.map((t) => t.name)).toEqual(['VIP', 'gift buyer']);
    expect((await listTags(deps, { limit: 2, after: page1.cursor! })).items.map((t) => t.name)).toEqual(['newsletter']);

    const [a, b] = await customers(2);
    await changeCustomerTags(ctx, a!, ['vip', 'loyal'], []); // spelled as the catalog has it
    await changeCustomerTags(ctx, b!, ['VIP'], []);
    await drainStream(deps);
    expect(await deps.tagIndex.count('VIP')).toBe(2);
    expect((await deps.customers.require(a!)).tags).toEqual(['VIP', 'loyal']);

    await expect(updateTag(ctx, queue, 'vip', { version: 3, description: 'x' })).rejects.toMatchObject({ status: 409, extra: { currentVersion: 1 } });
    const edited = await updateTag(ctx, queue, 'vip', { version: 1, description: null, category: 'lifecycle' });
    expect(edited.tag).toMatchObject({ name: 'VIP', category: 'lifecycle', version: 2 });
    expect(edited.tag.description).toBeUndefined();
    expect(edited.job).toBeUndefined();
  });

  it('checks a rule: every bad node named, and no segment leaves (tags are applied before segments)', async () => {
    const ctx = ctxOf(deps);
    expect(await issuesOf(createTag(ctx, queue, { name: 'r', category: 'behaviour', condition: { any: [{ kind: 'behaviour', event: 'interaction:inquiry', withinDays: 30, op: 'atLeast', value: 3 }] } }))).toEqual([
      { field: 'condition.any[0].op', message: expect.any(String) },
    ]);
    expect(await issuesOf(createTag(ctx, queue, { name: 'r', category: 'behaviour', condition: { not: { kind: 'segment', op: 'in', value: '01ARZ3NDEKTSV4RRFFQ69G5FAV' } } }))).toEqual([
      { field: 'condition.not.kind', message: expect.stringContaining('cannot test segment membership') },
    ]);
    expect((await listTags(deps, { limit: 10 })).items).toEqual([]);
  });

  it('a rule tag is backfilled onto everyone it holds for; manual changes of it are refused; deleting it stops the rule, or takes it off with removeFromCustomers', async () => {
    const ctx = ctxOf(deps);
    const ids = await customers(6, (i) => (i < 4 ? 3 + i : 1));
    const { tag, job } = await createTag(ctx, queue, { name: 'high-activity prospect', category: 'behaviour', condition: { kind: 'behaviour', event: 'interaction:inquiry', withinDays: 30, op: 'gte', value: 3 } });
    expect(job).toMatchObject({ kind: 'backfill', subject: 'tag:high-activity prospect', parts: 16 });
    await drainJobs(deps, queue);
    const done = (await deps.jobs.get(job!.id))!;
    expect(presentJob(done.job, done.parts)).toMatchObject({ status: 'completed', progress: { customers: 6, changed: 6 } });
    for (const [i, id] of ids.entries()) expect((await deps.customers.require(id)).tags.includes(tag.name)).toBe(i < 4);
    await drainStream(deps);
    expect(await deps.tagIndex.count(tag.name)).toBe(4);

    expect(await issuesOf(changeCustomerTags(ctx, ids[5]!, ['High-Activity Prospect'], []))).toEqual([{ field: 'add[0]', message: '"high-activity prospect" is a rule tag: its condition applies and removes it' }]);

    // Deleting the rule: the tag stays on profiles (now a plain tag) ...
    await deleteTag(ctx, queue, tag.name, false);
    await drainStream(deps);
    expect(await deps.tagIndex.count(tag.name)).toBe(4);
    // ... until a manual removal, here through a tag that is recreated and deleted with removeFromCustomers.
    await createTag(ctx, queue, { name: tag.name, category: 'behaviour' });
    const removal = await deleteTag(ctx, queue, tag.name, true);
    expect(removal.job).toMatchObject({ kind: 'bulk-tags', total: 4 });
    await drainJobs(deps, queue);
    await drainStream(deps);
    expect(await deps.tagIndex.count(tag.name)).toBe(0);
    const removed = (await deps.jobs.get(removal.job!.id))!;
    expect(presentJob(removed.job, removed.parts)).toMatchObject({ status: 'completed', progress: { total: 4, processed: 4, changed: 4, failed: 0 } });
  });
});

describe('manual tags on one customer', () => {
  it('go through the profile update path: version bumped, CustomerUpdated and CustomerTagsChanged (manual) in one transaction', async () => {
    const [id] = await customers(1);
    const ctx = ctxOf(deps);
    const c = await changeCustomerTags(ctx, id!, ['gold', 'wechat-fan', 'gold'], []);
    expect(c).toMatchObject({ tags: ['gold', 'wechat-fan'], version: 2 });
    const after = await changeCustomerTags(ctx, id!, ['vip'], ['gold']);
    expect(after).toMatchObject({ tags: ['wechat-fan', 'vip'], version: 3 });
    expect((await changeCustomerTags(ctx, id!, ['vip'], [])).version).toBe(3); // nothing to change: nothing written
    await drainStream(deps);
    const events = ((await deps.publisher!()) as CapturingPublisher).events.filter((e) => e.subject === id && e.type !== 'CustomerCreated');
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['CustomerUpdated', { customerId: id, changed: ['tags'] }],
      ['CustomerTagsChanged', { customerId: id, added: ['gold', 'wechat-fan'], removed: [], source: 'manual' }],
      ['CustomerUpdated', { customerId: id, changed: ['tags'] }],
      ['CustomerTagsChanged', { customerId: id, added: ['vip'], removed: ['gold'], source: 'manual' }],
    ]);
    expect(await issuesOf(changeCustomerTags(ctx, id!, ['a'], ['a']))).toEqual([{ field: 'remove[0]', message: '"a" is also in add' }]);
    expect(await issuesOf(changeCustomerTags(ctx, id!, [], []))).toEqual([{ field: 'add', message: 'give at least one tag to add or to remove' }]);
    const many = Array.from({ length: 99 }, (_, i) => `t${i}`);
    expect(await issuesOf(changeCustomerTags(ctx, id!, many, []))).toEqual([{ field: 'tags', message: 'at most 100 tags' }]);
    await expect(changeCustomerTags(ctx, '01ARZ3NDEKTSV4RRFFQ69G5FAV', ['x'], [])).rejects.toMatchObject({ status: 404 });
  });
});
