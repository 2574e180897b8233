import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { readCsv } from '../../shared/domain/csv';
import { ConflictError, ValidationError } from '../../shared/domain/errors';
import { principalFromClaims } from '../../shared/http/principal';
import type { Deps } from '../../shared/runtime/deps';
import { LocalBlobStore } from '../../shared/runtime/local-blob-store';
import type { MessageQueue, QueueName } from '../../shared/runtime/message-queue';
import { customerPk, SK } from '../../shared/store/keys';
import { createCustomer } from '../../shared/usecases/customers';
import { runExport } from '../../shared/usecases/export-run';
import { createExport } from '../../shared/usecases/exports';
import { parseJobMessage, presentJob } from '../../shared/usecases/jobs/jobs';
import { runJobStep } from '../../shared/usecases/jobs/steps';
import { previewSegment } from '../../shared/usecases/segmentation/preview';
import { createSegment, deleteSegment, listSegments, segmentMembers, updateSegment } from '../../shared/usecases/segmentation/segments';
import { testDeps } from '../support/db';
import { ctxOf, publishedTypes } from './helpers';

/** The segment use cases behind the API: checks that name each bad node, preview, members, delete with its clean-up, export. */
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
      if ((await runJobStep(ctxOf(deps), jobId, part, { pageLimit: 5 })) === 'more') await queue.send('jobs', m.body);
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), 'crm-segments-it-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const analyst = principalFromClaims({ sub: 'an', 'cognito:groups': ['analyst'] })!;

let deps: Deps;
let queue: Queue;
const usd = new Map<string, number>();
const ids: string[] = [];
beforeAll(async () => {
  queue = new Queue();
  deps = await testDeps({ queue, blobs: new LocalBlobStore(dir) });
  for (let i = 0; i < 30; i++) {
    const c = await createCustomer(ctxOf(deps), { name: `Member ${String(i).padStart(2, '0')}`, email: `m${i}@example.com` });
    const amount = i * 10;
    await deps.db.doc.send(
      new PutCommand({
        TableName: deps.db.tableName,
        Item: { PK: customerPk(c.id), SK: SK.aggregates, entity: 'aggregates', orderCount: i ? 1 : 0, spentMinor: i ? { USD: amount * 100 } : {}, refundedMinor: {}, days: {}, ...(i ? { firstOrderAt: '2026-03-01T00:00:00.000Z', lastOrderAt: '2026-03-01T00:00:00.000Z' } : {}), version: 1 },
      }),
    );
    ids.push(c.id);
    usd.set(c.id, amount);
  }
});

const issuesOf = async (p: Promise<unknown>) => {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ValidationError);
  return (e as ValidationError).issues;
};

describe('segments', () => {
  it('refuses bad conditions naming the node: unknown fields and operators, wrong types, unknown segments, too deep', async () => {
    const ctx = ctxOf(deps);
    expect(await issuesOf(createSegment(ctx, queue, { name: 'x', condition: { all: [{ kind: 'orders', field: 'totalSpend', op: 'gte', value: 1 }, { kind: 'tag', op: 'is', value: 'vip' }] } }))).toEqual([
      { field: 'condition.all[0].field', message: expect.stringContaining('totalSpent') },
      { field: 'condition.all[1].op', message: expect.any(String) },
    ]);
    expect(await issuesOf(createSegment(ctx, queue, { name: 'x', condition: { kind: 'orders', field: 'count', op: 'gte', value: 'many' } }))).toEqual([{ field: 'condition.value', message: expect.any(String) }]);
    expect(await issuesOf(createSegment(ctx, queue, { name: 'x', condition: { any: [{ kind: 'segment', op: 'in', value: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }] } }))).toEqual([
      { field: 'condition.any[0].value', message: 'no segment has the id "01ARZ3NDEKTSV4RRFFQ69G5FAV"' },
    ]);
    let deep: unknown = { kind: 'tag', op: 'has', value: 'x' };
    for (let i = 0; i < 9; i++) deep = { not: deep };
    expect((await issuesOf(createSegment(ctx, queue, { name: 'x', condition: deep })))[0]!.message).toMatch(/deeper than 8/);
    expect(await issuesOf(createSegment(ctx, queue, { name: 'x', condition: undefined }))).toEqual([{ field: 'condition', message: 'is required' }]);
    expect(queue.sent).toEqual([]);
  });

  it('refuses an edit that makes segments depend on themselves, naming the node and the cycle; a stale version is a conflict', async () => {
    const a = (await createSegment(ctxOf(deps), queue, { name: 'A', condition: { kind: 'orders', field: 'count', op: 'gte', value: 1 } })).segment;
    const b = (await createSegment(ctxOf(deps), queue, { name: 'B', condition: { all: [{ kind: 'profile', field: 'name', op: 'exists' }, { kind: 'segment', op: 'in', value: a.id }] } })).segment;
    const issues = await issuesOf(updateSegment(ctxOf(deps), queue, a.id, { version: 1, condition: { not: { kind: 'segment', op: 'in', value: b.id } } }));
    expect(issues).toEqual([{ field: 'condition.not.value', message: `makes segments depend on themselves: ${a.id} (A) → ${b.id} (B) → ${a.id} (A)` }]);
    expect((await issuesOf(updateSegment(ctxOf(deps), queue, a.id, { version: 1, condition: { kind: 'segment', op: 'in', value: a.id } })))[0]!.field).toBe('condition.value');
    await expect(updateSegment(ctxOf(deps), queue, a.id, { version: 7, name: 'A2' })).rejects.toMatchObject({ status: 409, extra: { currentVersion: 1 } });
    // A rename bumps the version but starts no backfill.
    queue.sent = [];
    const renamed = await updateSegment(ctxOf(deps), queue, a.id, { version: 1, name: 'A2', description: 'buyers' });
    expect(renamed.job).toBeUndefined();
    expect(renamed.segment).toMatchObject({ name: 'A2', description: 'buyers', version: 2, backfill: a.backfill });
    expect(queue.sent).toEqual([]);
    // A segment another one uses cannot be deleted.
    await expect(deleteSegment(ctxOf(deps), queue, a.id)).rejects.toBeInstanceOf(ConflictError);
    await deleteSegment(ctxOf(deps), queue, b.id);
    await deleteSegment(ctxOf(deps), queue, a.id);
    await drainJobs(deps, queue);
  });

  it('previews a condition with the engine: count, a sample, exact unless it stops at its budget', async () => {
    const p = await previewSegment(deps, { kind: 'orders', field: 'totalSpent', op: 'gte', value: 200 });
    const expected = ids.filter((id) => usd.get(id)! >= 200);
    expect(p).toMatchObject({ count: expected.length, exact: true, scanned: ids.length });
    expect(p.sample.map((c) => c.id).sort()).toEqual([...expected].sort());
    const cut = await previewSegment(deps, { kind: 'orders', field: 'count', op: 'gte', value: 0 }, { maxScanned: 1, pageLimit: 1 });
    expect(cut.exact).toBe(false);
    expect(cut.count).toBeLessThan(ids.length);
    const sample = (await previewSegment(deps, { all: [] })).sample;
    expect(sample).toHaveLength(20);
  });

  it('lists members page by page and counts them; exports them; a deleted segment loses its refs without SegmentExited', async () => {
    const { segment, job } = await createSegment(ctxOf(deps), queue, { name: 'Over 100', description: 'spent at least $100', condition: { kind: 'orders', field: 'totalSpent', op: 'gte', value: 100 } });
    await drainJobs(deps, queue);
    const expected = ids.filter((id) => usd.get(id)! >= 100).sort();
    expect(presentJob((await deps.jobs.get(job.id))!.job, (await deps.jobs.get(job.id))!.parts).status).toBe('completed');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await segmentMembers(deps, segment.id, 7, cursor);
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual(expected);
    expect(await deps.membership.count(segment.id)).toBe(expected.length);
    expect((await listSegments(deps, 10)).items.map((s) => s.id)).toContain(segment.id);

    const exp = await createExport(ctxOf(deps), { segmentId: segment.id }, analyst);
    expect(await runExport(ctxOf(deps), deps.blobs!, exp.id)).toBe('completed');
    const file = (await deps.transfers.getExport(exp.id))!;
    const rows = readCsv(await deps.blobs!.read(file.fileKey, 0, file.fileSize!), { base: 0, line: 1, eof: true, maxRecords: 100 }).records.map((r) => r.fields);
    expect(rows.slice(1).map((r) => r[0]).sort()).toEqual(expected);
    expect(rows[1]![2]).toMatch(/^m\*\*\*@example\.com$/); // masked: the analyst has no pii:read
    await expect(createExport(ctxOf(deps), { segmentId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }, analyst)).rejects.toThrow('filter.segmentId');

    const exitedBefore = (await publishedTypes(deps)).filter((t) => t === 'SegmentExited').length;
    const { job: cleanup } = await deleteSegment(ctxOf(deps), queue, segment.id);
    await drainJobs(deps, queue);
    const done = (await deps.jobs.get(cleanup.id))!;
    expect(presentJob(done.job, done.parts)).toMatchObject({ kind: 'segment-cleanup', status: 'completed', progress: { processed: expected.length } });
    expect(await deps.membership.count(segment.id)).toBe(0);
    expect((await deps.partition.view(expected[0]!, 1))!.segments).not.toContain(segment.id);
    expect((await publishedTypes(deps)).filter((t) => t === 'SegmentExited').length).toBe(exitedBefore);
    await expect(segmentMembers(deps, segment.id, 10)).rejects.toMatchObject({ status: 404 });
  });
});
