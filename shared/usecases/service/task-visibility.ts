import { readsTaskText, redactTask } from '../../domain/service/visibility';
import type { Task } from '../../domain/service/tasks';
import type { Permission } from '../../domain/roles';
import type { Ctx } from './common';
import { ticketsSeenBy } from './customer-tickets';

/**
 * Tasks as the HTTP caller may read them (issue 7): a task linked to a ticket the caller does not
 * see — the ticket rule of shared/domain/service/visibility.ts, as on the customer views — answers
 * with its text redacted (`redactTask`), unless the caller is its assignee or creator. Only the
 * tickets of the tasks to judge are read (one BatchGet of their visibility fields); a caller with
 * `tickets:all` reads nothing more.
 */
interface Caller {
  sub: string;
  can(permission: Permission): boolean;
}

export async function tasksFor(deps: Ctx['deps'], p: Caller, tasks: readonly Task[]): Promise<Task[]> {
  const toJudge = tasks.filter((t) => !readsTaskText(p.sub, t, () => false));
  if (toJudge.length === 0) return [...tasks];
  const sees = await ticketsSeenBy(deps, p, [...new Set(toJudge.map((t) => t.links.ticketId!))]);
  if (!sees) return [...tasks];
  return tasks.map((t) => (readsTaskText(p.sub, t, sees) ? t : redactTask(t)));
}

export async function taskFor(deps: Ctx['deps'], p: Caller, task: Task): Promise<Task> {
  return (await tasksFor(deps, p, [task]))[0]!;
}
