import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors';
import { canTakeWork, pickLeastLoaded, pickRoundRobin } from '../../domain/service/agents';
import { assertTaskTransition, type Task, type TaskKind, type TaskLinks, type TaskPriority, type TaskStatus } from '../../domain/service/tasks';
import type { EventEnvelope } from '../../events/envelope';
import { countMetric } from '../../runtime/observability';
import { outboxPut } from '../../store/outbox';
import { transactWrite, type TransactItem } from '../../store/transact';
import { clip, notification, settingsOf, svcEvent, unique, type Ctx } from './common';

/**
 * Tasks (任务中心): create, change, complete. Every write is one transaction with its event
 * (TaskCreated / TaskUpdated) and the notifications it causes (the assignee of a task someone else
 * gave them, each @mention); the task-reminders consumer sets the reminder timers from the events.
 */
export interface NewTask {
  title: string;
  description?: string;
  completionCriteria?: string;
  assigneeId: string;
  priority?: TaskPriority;
  dueAt?: string;
  remindBeforeMinutes?: number;
  links?: TaskLinks;
  mentions?: string[];
  kind?: TaskKind;
  ruleId?: string;
}

async function assertAgents(ctx: Ctx, ids: string[], field: string): Promise<void> {
  if (ids.length === 0) return;
  const found = await ctx.deps.agents.getAgents(ids);
  const issues = ids.flatMap((id, i) => {
    const a = found.get(id);
    if (!a) return [{ field: `${field}${field === 'assigneeId' ? '' : `.${i}`}`, message: `no agent ${id} in the directory` }];
    if (!a.active) return [{ field: `${field}${field === 'assigneeId' ? '' : `.${i}`}`, message: `agent ${id} is inactive` }];
    return [];
  });
  if (issues.length) throw new ValidationError(issues);
}

/** A new task's transact items: the task (made once: its id may be derived), its event (outbox), its notifications. */
export function newTaskItems(ctx: Ctx, task: Task): { items: TransactItem[]; event: EventEnvelope } {
  const evt = svcEvent(
    ctx,
    'TaskCreated',
    {
      taskId: task.id,
      assigneeId: task.assigneeId,
      kind: task.kind,
      ...(task.dueAt ? { dueAt: task.dueAt } : {}),
      ...(task.links.ticketId ? { ticketId: task.links.ticketId } : {}),
      ...(task.links.customerId ? { customerId: task.links.customerId } : {}),
    },
    task.createdAt,
    task.id,
  );
  const notes = [
    ...(task.assigneeId !== task.createdBy ? [notification(task.assigneeId, 'task', `New task: ${clip(task.title)}`, task.createdAt, `task:${task.id}:assigned:${task.assigneeId}`, { taskId: task.id })] : []),
    ...task.mentions.filter((m) => m !== task.createdBy).map((m) => notification(m, 'mention', `You were mentioned in task: ${clip(task.title)}`, task.createdAt, `task:${task.id}:mention`, { taskId: task.id })),
  ];
  return { items: [ctx.deps.tasks.put(undefined, task), outboxPut(ctx.deps.db.tableName, evt), ...notes.map((n) => ctx.deps.notifications.put(n))], event: evt };
}

export function buildTask(ctx: Ctx, input: NewTask, defaults: { remindBeforeMinutes: number }, id?: string): Task {
  const now = ctx.deps.clock.now().toISOString();
  return {
    id: id ?? ctx.deps.ids.next(),
    title: input.title,
    ...(input.description ? { description: input.description } : {}),
    ...(input.completionCriteria ? { completionCriteria: input.completionCriteria } : {}),
    assigneeId: input.assigneeId,
    priority: input.priority ?? 'normal',
    status: 'open',
    ...(input.dueAt ? { dueAt: new Date(input.dueAt).toISOString() } : {}),
    remindBeforeMinutes: input.remindBeforeMinutes ?? defaults.remindBeforeMinutes,
    links: input.links ?? {},
    mentions: unique(input.mentions ?? []),
    kind: input.kind ?? 'manual',
    ...(input.ruleId ? { ruleId: input.ruleId } : {}),
    createdBy: ctx.actorId,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

async function assertLinks(ctx: Ctx, links: TaskLinks | undefined): Promise<void> {
  if (links?.ticketId && !(await ctx.deps.tickets.get(links.ticketId))) throw ValidationError.field('links.ticketId', `no ticket ${links.ticketId}`);
  if (links?.customerId) {
    const c = await ctx.deps.customers.get(links.customerId);
    if (!c || c.status !== 'active') throw ValidationError.field('links.customerId', `no live customer ${links.customerId}`);
  }
}

export async function createTask(ctx: Ctx, input: NewTask, opts: { id?: string } = {}): Promise<Task> {
  const settings = await settingsOf(ctx);
  await assertAgents(ctx, [input.assigneeId], 'assigneeId');
  await assertAgents(ctx, unique(input.mentions ?? []), 'mentions');
  await assertLinks(ctx, input.links);
  if (opts.id) {
    const existing = await ctx.deps.tasks.get(opts.id);
    if (existing) return existing;
  }
  const task = buildTask(ctx, input, { remindBeforeMinutes: settings.taskRemindBeforeMinutes }, opts.id);
  await writeNewTask(ctx, task);
  return task;
}

/** Writes a new task, once: a second write of the same id is a no-op. */
export async function writeNewTask(ctx: Ctx, task: Task, extra: TransactItem[] = []): Promise<boolean> {
  const { items } = newTaskItems(ctx, task);
  try {
    await transactWrite(ctx.deps.db, [...items, ...extra], () => new ConflictError(`Task ${task.id} exists already.`, { reason: 'exists' }));
    countMetric('TasksCreated');
    return true;
  } catch (e) {
    if (e instanceof ConflictError && (e.extra as { reason?: string }).reason === 'exists') return false;
    throw e;
  }
}

export async function requireTask(ctx: Ctx, id: string): Promise<Task> {
  const t = await ctx.deps.tasks.get(id);
  if (!t) throw new NotFoundError('Task', id);
  return t;
}

export interface TaskPatch {
  version?: number;
  title?: string;
  description?: string | null;
  completionCriteria?: string | null;
  assigneeId?: string;
  priority?: TaskPriority;
  status?: TaskStatus;
  dueAt?: string | null;
  remindBeforeMinutes?: number;
  mentions?: string[];
  outcome?: string;
}

/** Changes a task (send the version you read to be told when someone else changed it meanwhile). */
export async function updateTask(ctx: Ctx, id: string, patch: TaskPatch): Promise<Task> {
  if (patch.assigneeId) await assertAgents(ctx, [patch.assigneeId], 'assigneeId');
  if (patch.mentions) await assertAgents(ctx, unique(patch.mentions), 'mentions');
  for (let attempt = 0; ; attempt++) {
    const before = await requireTask(ctx, id);
    if (patch.version !== undefined && patch.version !== before.version) {
      throw new ConflictError(`The task is at version ${before.version}, not ${patch.version}; read it again and retry.`, { currentVersion: before.version });
    }
    if (patch.status) assertTaskTransition(before, patch.status);
    const now = ctx.deps.clock.now().toISOString();
    const after: Task = { ...before };
    if (patch.title !== undefined) after.title = patch.title;
    if (patch.description !== undefined) patch.description === null ? delete after.description : (after.description = patch.description);
    if (patch.completionCriteria !== undefined) patch.completionCriteria === null ? delete after.completionCriteria : (after.completionCriteria = patch.completionCriteria);
    if (patch.assigneeId !== undefined) after.assigneeId = patch.assigneeId;
    if (patch.priority !== undefined) after.priority = patch.priority;
    if (patch.remindBeforeMinutes !== undefined) after.remindBeforeMinutes = patch.remindBeforeMinutes;
    if (patch.mentions !== undefined) after.mentions = unique(patch.mentions);
    if (patch.outcome !== undefined) after.outcome = patch.outcome;
    if (patch.dueAt !== undefined) {
      if (patch.dueAt === null) delete after.dueAt;
      else after.dueAt = new Date(patch.dueAt).toISOString();
      delete after.escalatedAt;
      delete after.escalatedTo;
    }
    if (patch.status !== undefined && patch.status !== before.status) {
      after.status = patch.status;
      if (patch.status === 'done') {
        after.completedAt = now;
        after.completedBy = ctx.actorId;
      } else {
        delete after.completedAt;
        delete after.completedBy;
      }
    }
    const changed = (Object.keys(after) as (keyof Task)[]).concat(Object.keys(before) as (keyof Task)[]).filter((k, i, all) => all.indexOf(k) === i && JSON.stringify(after[k]) !== JSON.stringify(before[k]));
    if (changed.length === 0) return before;
    after.updatedAt = now;
    after.version = before.version + 1;
    const evt = svcEvent(ctx, 'TaskUpdated', { taskId: id, assigneeId: after.assigneeId, changed: changed.map(String), status: after.status }, now, id);
    const notes = [
      ...(after.assigneeId !== before.assigneeId && after.assigneeId !== ctx.actorId ? [notification(after.assigneeId, 'task', `Task handed to you: ${clip(after.title)}`, now, `task:${id}:assigned:${after.assigneeId}:${after.version}`, { taskId: id })] : []),
      ...after.mentions.filter((m) => !before.mentions.includes(m) && m !== ctx.actorId).map((m) => notification(m, 'mention', `You were mentioned in task: ${clip(after.title)}`, now, `task:${id}:mention:${after.version}`, { taskId: id })),
    ];
    try {
      await transactWrite(ctx.deps.db, [ctx.deps.tasks.put(before, after), outboxPut(ctx.deps.db.tableName, evt), ...notes.map((n) => ctx.deps.notifications.put(n))], () => new ConflictError('The task changed meanwhile.', { reason: 'race' }));
      if (patch.status === 'done' && before.status !== 'done') countMetric('TasksCompleted');
      return after;
    } catch (e) {
      if (e instanceof ConflictError && (e.extra as { reason?: string }).reason === 'race' && patch.version === undefined && attempt < 5) continue;
      if (e instanceof ConflictError && (e.extra as { reason?: string }).reason === 'race') throw new ConflictError('The task was changed by someone else; read it again and retry.', { reason: 'version' });
      throw e;
    }
  }
}

/**
 * Who gets a task meant for a group: its assignment mode picks an active agent on duty (round-robin
 * or least-loaded); a manual group gives it to its manager. Undefined when nobody can take it.
 */
export async function groupTaskAssignee(ctx: Ctx, groupId: string): Promise<string | undefined> {
  const group = await ctx.deps.agents.getGroup(groupId);
  if (!group || !group.active) return undefined;
  const agents = await ctx.deps.agents.getAgents(group.members);
  if (group.assignment === 'least-loaded') {
    const current = await ctx.deps.serviceStats.current();
    return pickLeastLoaded(group, agents, (id) => current[`open.agent:${id}`] ?? 0) ?? group.managerId;
  }
  if (group.assignment === 'round-robin') return pickRoundRobin(group, agents) ?? group.managerId;
  return group.managerId ?? group.members.find((m) => canTakeWork(agents.get(m)));
}
