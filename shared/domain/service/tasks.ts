import { RuleViolation } from './errors';

/**
 * Tasks (任务中心): a title, an assignee, a priority, a due time, a status (open, in progress,
 * blocked, done), completion criteria (完成标准), links to a customer, ticket, lead or opportunity,
 * and @mentions. Reminders go out before the due time and at it; a task still not done some time
 * after it escalates to the assignee's manager. Pure.
 */
export const TASK_STATUSES = ['open', 'in-progress', 'blocked', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export const TASK_KINDS = ['manual', 'follow-up-visit', 'bad-rating-follow-up', 'cadence'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export interface TaskLinks {
  customerId?: string;
  ticketId?: string;
  leadId?: string;
  opportunityId?: string;
}

export interface Task {
  id: string;
  title: string;
  description?: string;
  completionCriteria?: string;
  assigneeId: string;
  priority: TaskPriority;
  status: TaskStatus;
  dueAt?: string;
  /** Minutes before the due time the first reminder goes out (0: only at the due time). */
  remindBeforeMinutes: number;
  links: TaskLinks;
  mentions: string[];
  kind: TaskKind;
  /** The cadence rule that made it. */
  ruleId?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
  completedBy?: string;
  /** A note left when the task was completed (the follow-up visit's outcome). */
  outcome?: string;
  escalatedTo?: string;
  escalatedAt?: string;
  version: number;
}

export const TASK_LIMITS = { title: 200, description: 10_000, mentions: 20 } as const;
export const isOpenTask = (s: TaskStatus) => s !== 'done';

export function assertTaskTransition(t: Pick<Task, 'id' | 'status'>, to: TaskStatus): void {
  if (t.status === to) return;
  // Every status may move to any other: a blocked task unblocks, a done task reopens.
  if (!(TASK_STATUSES as readonly string[]).includes(to)) throw new RuleViolation('task-status', `Unknown task status ${to}.`);
}

export type ReminderKind = 'before' | 'due' | 'overdue';

/**
 * The reminders of a task with a due time, as instants: before (when it is in the future), at the
 * due time, and the overdue escalation `overdueMinutes` after it. None for a done task.
 */
export function taskReminders(t: Pick<Task, 'status' | 'dueAt' | 'remindBeforeMinutes'>, now: number, overdueMinutes: number): { kind: ReminderKind; at: string }[] {
  if (!t.dueAt || t.status === 'done') return [];
  const due = Date.parse(t.dueAt);
  const out: { kind: ReminderKind; at: string }[] = [];
  const before = due - t.remindBeforeMinutes * 60_000;
  if (t.remindBeforeMinutes > 0 && before > now) out.push({ kind: 'before', at: new Date(before).toISOString() });
  out.push({ kind: 'due', at: new Date(due).toISOString() });
  out.push({ kind: 'overdue', at: new Date(due + overdueMinutes * 60_000).toISOString() });
  return out;
}
