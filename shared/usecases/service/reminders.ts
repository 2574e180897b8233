import { ConflictError } from '../../domain/errors';
import { taskReminders, type ReminderKind, type Task } from '../../domain/service/tasks';
import { countMetric } from '../../runtime/observability';
import { outboxPut } from '../../store/outbox';
import type { Timer } from '../../store/timers-repo';
import { transactWrite } from '../../store/transact';
import { setTimer } from '../timers/timers';
import { clip, notification, settingsOf, svcEvent, type Ctx } from './common';

/**
 * Task reminders: before the due time, at it, and the overdue escalation to the assignee's
 * manager. The task-reminders consumer sets the timers after every task event; a reminder that
 * fires checks the task is still open and still due at the instant it was set for.
 */
export const TASK_REMINDER = 'task.reminder';

export async function syncTaskTimers(ctx: Ctx, taskId: string): Promise<number> {
  const t = await ctx.deps.tasks.get(taskId);
  if (!t) return 0;
  const s = await settingsOf(ctx);
  const list = taskReminders(t, ctx.deps.clock.now().getTime(), s.overdueEscalationMinutes);
  for (const r of list) await setTimer(ctx.deps, reminderTimer(t, r.kind, r.at));
  return list.length;
}

export const reminderTimer = (t: Pick<Task, 'id' | 'dueAt'>, kind: ReminderKind, at: string): Timer => ({ kind: TASK_REMINDER, key: `${t.id}:${kind}`, dueAt: at, payload: { taskId: t.id, dueAt: t.dueAt, reminder: kind } });

const TITLES: Record<ReminderKind, (t: Task) => string> = {
  before: (t) => `Reminder: “${clip(t.title)}” is due at ${t.dueAt}`,
  due: (t) => `Due now: ${clip(t.title)}`,
  overdue: (t) => `Overdue: ${clip(t.title)} (due ${t.dueAt})`,
};

/** One reminder: a notification for the assignee; when overdue, TaskOverdue and one for their manager. */
export async function onTaskReminder(ctx: Ctx, timer: Timer): Promise<void> {
  const { taskId, dueAt, reminder } = timer.payload as { taskId: string; dueAt: string; reminder: ReminderKind };
  const { deps } = ctx;
  for (let attempt = 0; attempt < 5; attempt++) {
    const t = await deps.tasks.get(taskId);
    if (!t || t.status === 'done' || t.dueAt !== dueAt) return;
    const now = deps.clock.now().toISOString();
    const cause = `task:${taskId}:${dueAt}:${reminder}`;
    const kind = reminder === 'before' ? 'reminder' : reminder;
    const notes = [notification(t.assigneeId, kind, TITLES[reminder](t), now, cause, { taskId })];
    if (reminder !== 'overdue') {
      await transactWrite(deps.db, notes.map((n) => deps.notifications.put(n)), () => new ConflictError('unexpected'));
      countMetric('TaskReminders');
      return;
    }
    if (t.escalatedAt) return;
    const manager = (await deps.agents.getAgent(t.assigneeId))?.managerId;
    if (manager && manager !== t.assigneeId) notes.push(notification(manager, 'escalation', `Escalated: ${t.assigneeId}'s task “${clip(t.title)}” is overdue (due ${t.dueAt})`, now, cause, { taskId }));
    const after: Task = { ...t, escalatedAt: now, ...(manager ? { escalatedTo: manager } : {}), updatedAt: now, version: t.version + 1 };
    try {
      await transactWrite(
        deps.db,
        [
          deps.tasks.put(t, after),
          outboxPut(deps.db.tableName, svcEvent(ctx, 'TaskOverdue', { taskId, assigneeId: t.assigneeId, dueAt: t.dueAt!, ...(manager ? { escalatedTo: manager } : {}) }, now, taskId)),
          ...notes.map((n) => deps.notifications.put(n)),
        ],
        () => new ConflictError('race', { reason: 'race' }),
      );
      countMetric('TasksOverdue');
      return;
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
    }
  }
  throw new ConflictError(`task ${taskId} kept changing while its reminder fired; retried later`);
}
