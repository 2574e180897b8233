import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchGetCommand, BatchWriteCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '../infra/local/dynamodb-local';
import { startLocalStack } from '../infra/local/runtime';
import type { Task } from '../shared/domain/service/tasks';
import { loadConfig } from '../shared/runtime/config';
import { buildDeps } from '../shared/runtime/deps';
import { createDocumentClient } from '../shared/store/client';
import { timerKey } from '../shared/store/keys';
import type { Notification } from '../shared/store/notifications-repo';
import { taskItem } from '../shared/store/tasks-repo';
import { reminderTimer } from '../shared/usecases/service/reminders';
import { quantile, round, type Result } from './lib';

/**
 * Timing guarantee of reminders: N task reminders due in the same minute (their seconds spread
 * over it, as a team's reminders are) in the local stack — the real sweep schedule, timers queue
 * and worker — must all fire exactly once, none early, within 60 s of its due time. Lateness is
 * the notification's time minus the reminder's due time; "exactly once" is one fired mark and one
 * notification per reminder.
 */
const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inParallel<T>(items: T[], width: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export async function benchReminders(endpoint: string, count = 10_000): Promise<Result[]> {
  const stateDir = mkdtempSync(join(tmpdir(), 'crm-bench-reminders-'));
  const tableName = `crm-bench-rem-${Date.now()}`;
  const stack = await startLocalStack({ port: 0, dynamoEndpoint: endpoint, tableName, stateDir, quiet: true, retryDelayMs: 500, streamPollMs: 200 });
  const doc = createDocumentClient({ endpoint, credentials: LOCAL_CREDENTIALS });
  const deps = buildDeps({ ...loadConfig({}), tableName }, Buffer.alloc(32, 9), { db: { doc, tableName } });
  try {
    // The minute they are due: far enough ahead that seeding ends before the sweep that queues it.
    const agentId = 'bench-agent';
    const dueMinute = Math.ceil((Date.now() + 3 * MINUTE) / MINUTE) * MINUTE;
    const created = new Date().toISOString();
    const tasks: Task[] = Array.from({ length: count }, (_, i) => ({
      id: `BENCH${String(i).padStart(21, '0')}`,
      title: `Reminder ${i}`,
      assigneeId: agentId,
      priority: 'normal',
      status: 'open',
      dueAt: new Date(dueMinute + Math.floor((i * MINUTE) / count)).toISOString(),
      remindBeforeMinutes: 0,
      links: {},
      mentions: [],
      kind: 'manual',
      createdBy: 'bench',
      createdAt: created,
      updatedAt: created,
      version: 1,
    }));
    const chunks: Task[][] = [];
    for (let i = 0; i < tasks.length; i += 25) chunks.push(tasks.slice(i, i + 25));
    await inParallel(chunks, 8, async (chunk) => {
      let requests: unknown[] | undefined = chunk.map((t) => ({ PutRequest: { Item: taskItem(t) } }));
      while (requests?.length) {
        const res: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests as never } }));
        requests = res.UnprocessedItems?.[tableName];
      }
    });
    // The reminder timers as the task-reminders consumer sets them (the `due` reminder of each task).
    await inParallel(tasks, 16, (t) => deps.timers.put(reminderTimer(t, 'due', t.dueAt!)));
    if (Date.now() > dueMinute - MINUTE) throw new Error('seeding took too long: the reminders are due before the sweep that queues them');

    // The sweep schedule runs every minute in the stack; a sweep early in the minute before makes
    // sure one falls there however the interval is phased (a second sweep queues nothing twice).
    await sleep(dueMinute - MINUTE + 1_000 - Date.now());
    await stack.runSchedule('sweep-timers');

    // Wait for every notification (or 60 s after the end of the minute).
    const deadline = dueMinute + 2 * MINUTE;
    let notes: Notification[] = [];
    for (;;) {
      await sleep(2_000);
      if (Date.now() < dueMinute + MINUTE && Date.now() < deadline) continue;
      notes = [];
      let cursor: string | undefined;
      do {
        const page = await deps.notifications.list(agentId, { limit: 1000, ...(cursor ? { cursor } : {}) });
        notes.push(...page.items);
        cursor = page.cursor;
      } while (cursor);
      if (notes.length >= count || Date.now() > deadline) break;
    }
    await stack.waitForIdle(120_000).catch(() => undefined);

    // Exactly once: one notification per reminder, and every timer carries its one fired mark.
    const byTask = new Map<string, Notification[]>();
    for (const n of notes) byTask.set(n.taskId!, [...(byTask.get(n.taskId!) ?? []), n]);
    let marked = 0;
    const keys = tasks.map((t) => timerKey(t.dueAt!, 'task.reminder', `${t.id}:due`));
    for (let i = 0; i < keys.length; i += 100) {
      let batch: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
      while (batch?.length) {
        const res = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: batch, ProjectionExpression: 'firedAt' } } }));
        marked += (res.Responses?.[tableName] ?? []).filter((x) => x.firedAt).length;
        batch = res.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    const due = new Map(tasks.map((t) => [t.id, Date.parse(t.dueAt!)]));
    const lateness = notes.map((n) => Date.parse(n.createdAt) - due.get(n.taskId!)!);
    const once = [...byTask.values()].filter((l) => l.length === 1).length;
    const early = lateness.filter((l) => l < 0).length;
    const within = lateness.filter((l) => l >= 0 && l <= MINUTE).length;
    const s = (ms: number) => round(ms / 1000, 2);
    const note = `${count} task reminders due in one minute (seconds spread evenly), seeded in the local stack's table; the real sweep schedule, timers queue (8 batches of 10 at once) and worker on DynamoDB Local, 2 shared cores`;
    return [
      { name: 'reminders fired exactly once within 60 s', value: Math.min(once, within, marked), unit: 'count', target: count, better: 'higher', note: `${note}; ${notes.length} notifications, ${marked} fired marks, ${early} early` },
      { name: 'reminder lateness p50', value: s(quantile(lateness, 0.5)), unit: 's', target: null, better: 'lower', note },
      { name: 'reminder lateness p99', value: s(quantile(lateness, 0.99)), unit: 's', target: null, better: 'lower', note },
      { name: 'reminder lateness max', value: s(Math.max(...lateness)), unit: 's', target: 60, better: 'lower', note },
      { name: 'reminder lateness spread (max − min)', value: s(Math.max(...lateness) - Math.min(...lateness)), unit: 's', target: null, better: 'lower', note: `${note}; min ${s(Math.min(...lateness))} s` },
    ];
  } finally {
    doc.destroy();
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
