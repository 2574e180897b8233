import { ValidationError } from '../errors';

/**
 * The agent directory: agents (an agent's id is the `sub` of their token, so "my tasks" and "my
 * notifications" need no lookup), groups (queues) with a manager and members, and how a group
 * hands out work: by hand, round-robin, or to the least-loaded agent on duty. Pure.
 */
export const ASSIGNMENT_MODES = ['manual', 'round-robin', 'least-loaded'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

export interface Agent {
  id: string;
  name: string;
  /** Whom their overdue tasks escalate to. */
  managerId?: string;
  active: boolean;
  onDuty: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Group {
  id: string;
  name: string;
  /** Breaches escalate to them; bad ratings give them a follow-up task. */
  managerId?: string;
  members: string[];
  assignment: AssignmentMode;
  /** Round-robin: the last agent handed a ticket. */
  lastAssigneeId?: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.@:+-]{0,127}$/;
export const MAX_GROUP_MEMBERS = 200;

export const canTakeWork = (a: Agent | undefined): a is Agent => !!a && a.active && a.onDuty;

/** Refuses an assignee who is unknown, inactive, or (with a group) not a member of it. */
export function assertAssignable(agentId: string, agent: Agent | undefined, group?: Group): Agent {
  if (!agent) throw ValidationError.field('assigneeId', `no agent ${agentId} in the directory (PUT /v1/agents/${agentId} first)`);
  if (!agent.active) throw ValidationError.field('assigneeId', `agent ${agentId} is inactive`);
  if (group && !group.members.includes(agentId)) throw ValidationError.field('assigneeId', `agent ${agentId} is not a member of group ${group.id}`);
  return agent;
}

/**
 * Round-robin: the first member after the last one handed work who is active and on duty, in
 * member order, wrapping around. Undefined when nobody can take work.
 */
export function pickRoundRobin(group: Group, agents: ReadonlyMap<string, Agent>): string | undefined {
  const members = group.members;
  if (members.length === 0) return undefined;
  const last = group.lastAssigneeId ? members.indexOf(group.lastAssigneeId) : -1;
  for (let step = 1; step <= members.length; step++) {
    const id = members[(last + step + members.length) % members.length]!;
    if (canTakeWork(agents.get(id))) return id;
  }
  return undefined;
}

/**
 * Least-loaded: the active, on-duty member with the fewest unsolved tickets; ties go to the one
 * who has waited longest since the last hand-out (member order after the last assignee).
 */
export function pickLeastLoaded(group: Group, agents: ReadonlyMap<string, Agent>, load: (agentId: string) => number): string | undefined {
  const members = group.members;
  const last = group.lastAssigneeId ? members.indexOf(group.lastAssigneeId) : -1;
  let best: { id: string; load: number; order: number } | undefined;
  members.forEach((id, i) => {
    if (!canTakeWork(agents.get(id))) return;
    const order = (i - last - 1 + members.length) % members.length;
    const l = load(id);
    if (!best || l < best.load || (l === best.load && order < best.order)) best = { id, load: l, order };
  });
  return best?.id;
}
