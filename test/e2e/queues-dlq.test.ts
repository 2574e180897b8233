import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { WIRING } from '../../infra/wiring';
import { startTestStack, unique, type TestStack } from './helpers';

/** Queue semantics of the local runtime: partial failures, retries, DLQ, replay; stream retries; schedules. */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

const detector = WIRING.find((f) => f.name === 'duplicate-detector')!;

it('dead-letters a poison message on a wired consumer after maxReceiveCount, lists it for admins only, and replays it', async () => {
  const queue = t.stack.queues.get('duplicate-detector')!;
  queue.send('this is not an EventBridge event');
  await t.stack.waitForIdle();

  const denied = await t.call('GET', '/_local/dlq?queue=duplicate-detector', { role: 'manager' });
  expect(denied.status).toBe(403);
  const listed = await t.call('GET', '/_local/dlq?queue=duplicate-detector');
  expect(listed.status).toBe(200);
  const [dlq] = listed.body.queues;
  expect(dlq).toMatchObject({ queue: 'duplicate-detector', depth: 1 });
  expect(dlq.messages[0]).toMatchObject({ body: 'this is not an EventBridge event', receiveCount: detector.consumer!.maxReceiveCount });

  const replayed = await t.call('POST', '/_local/dlq/replay', { body: { queue: 'duplicate-detector' } });
  expect(replayed.body.moved).toEqual([{ queue: 'duplicate-detector', moved: 1 }]);
  expect(queue.deadLetters()).toHaveLength(0);
  await t.stack.waitForIdle();
  // Still poison: it went round again and is back in the DLQ, never dropped.
  expect(queue.deadLetters()).toHaveLength(1);
});

it('retries a failing test consumer, dead-letters the event, and delivers it after a replay once the consumer is fixed', async () => {
  let failing = true;
  const attempts: string[] = [];
  const delivered: { type: string; subject: string }[] = [];
  const queue = t.stack.addConsumer('flaky-test', { events: ['CustomerCreated'], batchSize: 10, maxReceiveCount: 3, visibilityTimeoutSeconds: 1 }, async (event: SQSEvent) => {
    for (const r of event.Records) attempts.push(r.attributes.ApproximateReceiveCount);
    if (failing) throw new Error('consumer is down');
    for (const r of event.Records) delivered.push(JSON.parse(r.body).detail);
  });
  const c = await t.call('POST', '/v1/customers', { body: { name: unique('flaky').name } });
  expect(c.status).toBe(201);
  await t.stack.waitForIdle();

  expect(attempts).toEqual(['1', '2', '3']);
  const dead = queue.deadLetters();
  expect(dead).toHaveLength(1);
  const message = JSON.parse(dead[0]!.body);
  expect(message).toMatchObject({ version: '0', 'detail-type': 'CustomerCreated', source: 'crm', resources: [], detail: { type: 'CustomerCreated', subject: c.body.id } });

  failing = false;
  const replayed = await t.call('POST', '/_local/dlq/replay?queue=flaky-test');
  expect(replayed.body.moved).toEqual([{ queue: 'flaky-test', moved: 1 }]);
  await t.stack.waitForIdle();
  expect(delivered).toEqual([expect.objectContaining({ type: 'CustomerCreated', subject: c.body.id })]);
  expect(queue.deadLetters()).toHaveLength(0);
});

it('retries only the messages reported in batchItemFailures', async () => {
  const seen: { body: string; count: string }[] = [];
  const queue = t.stack.addConsumer('partial-test', { events: [], batchSize: 10, maxReceiveCount: 5, visibilityTimeoutSeconds: 1 }, async (event: SQSEvent): Promise<SQSBatchResponse> => {
    for (const r of event.Records) seen.push({ body: r.body, count: r.attributes.ApproximateReceiveCount });
    return { batchItemFailures: event.Records.filter((r) => r.body === 'b' && r.attributes.ApproximateReceiveCount === '1').map((r) => ({ itemIdentifier: r.messageId })) };
  });
  for (const body of ['a', 'b', 'c']) queue.send(body);
  await t.stack.waitForIdle();
  expect(seen.filter((s) => s.body === 'a')).toEqual([{ body: 'a', count: '1' }]);
  expect(seen.filter((s) => s.body === 'c')).toEqual([{ body: 'c', count: '1' }]);
  expect(seen.filter((s) => s.body === 'b')).toEqual([
    { body: 'b', count: '1' },
    { body: 'b', count: '2' },
  ]);
  expect(queue.deadLetters()).toHaveLength(0);
});

it('retries the outbox relay from the stream when publishing fails, so no event is lost', async () => {
  const bus = t.stack.bus;
  const publish = bus.publish.bind(bus);
  let failures = 2;
  bus.publish = async (events) => {
    if (failures-- > 0) return { failedIds: events.map((e) => e.id) };
    return publish(events);
  };
  try {
    const c = await t.call('POST', '/v1/customers', { body: { name: unique('relay').name } });
    await t.stack.waitForIdle();
    expect(failures).toBeLessThan(0);
    // Published once despite the failures (the segmentation consumer then adds the customer's first lifecycle stage).
    expect(bus.recent.filter((e) => e.subject === c.body.id && e.type === 'CustomerCreated')).toHaveLength(1);
    expect(t.stack.stream.deadLetters()).toHaveLength(0);
  } finally {
    bus.publish = publish;
  }
});

it('runs a schedule from the wiring table on demand', async () => {
  await expect(t.stack.runSchedule('purge-recycle-bin')).resolves.toEqual({ purged: 0 });
  await expect(t.stack.runSchedule('no-such-schedule')).rejects.toThrow(/no scheduled function/);
});
