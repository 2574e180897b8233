import { DomainError, NotFoundError, ValidationError } from '../errors';
import type { TimelineEntry } from '../interaction';
import type { Permission } from '../roles';
import type { Group } from './agents';
import type { Ticket, TicketStatus } from './ticket';
import type { Task } from './tasks';

/**
 * Who sees which ticket (issue 7's object-level rule), pure.
 *
 * A caller with `tickets:all` (admins, managers, sales reps — read-only —, machine clients, and
 * the system: consumers and timers) sees every ticket. Anyone else with `tickets:read` (the service
 * agent) sees a ticket when it is
 *  - assigned to them,
 *  - in a service group they are a member or the manager of,
 *  - one they are a collaborator (CC) on,
 *  - escalated to them, or
 *  - one they opened themselves (a ticket handed to another team at creation stays theirs to follow).
 * A ticket without a group (the triage queue, only when the settings name no default group) is
 * not visible to agents: managers route it. Someone else's ticket is 404 on every route — the caller
 * learns nothing about it, not even that it exists.
 */
export interface TicketViewer {
  id: string;
  /** `tickets:all`: every ticket. */
  all: boolean;
  /** The service groups they are a member or the manager of, read from the table (never the token). */
  groups: readonly string[];
}

export type VisibleTicket = Pick<Ticket, 'id' | 'groupId' | 'assigneeId' | 'collaborators' | 'createdBy'> & { escalation?: { to: string } };

export type VisibilityReason = 'all' | 'assignee' | 'group' | 'collaborator' | 'escalation' | 'creator';

/** Why the viewer sees the ticket, or undefined when they do not. */
export function visibleBecause(v: TicketViewer, t: VisibleTicket): VisibilityReason | undefined {
  if (v.all) return 'all';
  if (t.assigneeId === v.id) return 'assignee';
  if (t.groupId !== undefined && v.groups.includes(t.groupId)) return 'group';
  if (t.collaborators.includes(v.id)) return 'collaborator';
  if (t.escalation?.to === v.id) return 'escalation';
  if (t.createdBy === v.id) return 'creator';
  return undefined;
}

export const seesTicket = (v: TicketViewer, t: VisibleTicket): boolean => visibleBecause(v, t) !== undefined;

/** 404 unless the viewer sees the ticket; no viewer is the system, which sees every ticket. */
export function assertSeesTicket(v: TicketViewer | undefined, t: VisibleTicket): void {
  if (v && !seesTicket(v, t)) throw new NotFoundError('Ticket', t.id);
}

/**
 * How much of a customer's tickets a caller sees on the customer views (the 360's `openTickets`
 * and the timeline's `ticket` rows): `none` without `tickets:read` (a marketer, an analyst), `all`
 * with `tickets:all`, otherwise `some`: those `seesTicket` admits, judged on the tickets themselves.
 */
export type TicketSight = 'none' | 'all' | 'some';

export function ticketSightOf(can: (permission: Permission) => boolean): TicketSight {
  if (!can('tickets:read')) return 'none';
  return can('tickets:all') ? 'all' : 'some';
}

/** The summary a `ticket` row of the timeline shows in place of a ticket the caller may not see. */
export const RESTRICTED_TICKET_SUMMARY = 'Ticket activity (restricted)';

/** The ticket a timeline row is about: its `data.ticketId` on rows of kind `ticket`. */
export function ticketOfRow(e: Pick<TimelineEntry, 'kind' | 'data'>): string | undefined {
  if (e.kind !== 'ticket') return undefined;
  const id = e.data?.ticketId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** The distinct tickets the rows of kind `ticket` name, in order of appearance. */
export const ticketsOfRows = (entries: readonly Pick<TimelineEntry, 'kind' | 'data'>[]): string[] => [...new Set(entries.map(ticketOfRow).filter((id): id is string => id !== undefined))];

/**
 * The timeline as the caller may read it: a row of kind `ticket` whose ticket they do not see keeps
 * its place, id, kind and time, and tells nothing else (summary RESTRICTED_TICKET_SUMMARY, data
 * `{}`), so the customer's history keeps its shape. A `ticket` row naming no ticket cannot be
 * judged and is redacted too. Every other row, and the rows of tickets they see, are unchanged.
 */
export function redactTicketRows(entries: readonly TimelineEntry[], sees: (ticketId: string) => boolean): TimelineEntry[] {
  return entries.map((e) => {
    if (e.kind !== 'ticket') return e;
    const id = ticketOfRow(e);
    if (id !== undefined && sees(id)) return e;
    return { id: e.id, kind: e.kind, occurredAt: e.occurredAt, summary: RESTRICTED_TICKET_SUMMARY, data: {} };
  });
}

/** Agent id → the groups they are a member or the manager of, from the groups (the membership's authority). */
export function membershipOf(groups: readonly Pick<Group, 'id' | 'members' | 'managerId'>[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (agent: string, group: string) => {
    const list = out.get(agent) ?? [];
    if (!list.includes(group)) list.push(group);
    out.set(agent, list);
  };
  for (const g of groups) {
    for (const m of g.members) add(m, g.id);
    if (g.managerId) add(g.managerId, g.id);
  }
  return out;
}

/** A group queue the viewer may not list: 404 (the queue is not among the tickets they see). */
export class QueueNotVisible extends DomainError {
  constructor(groupId: string) {
    super(404, 'Not found', `Group ${groupId}'s queue is not among the tickets you may see: you are not a member or the manager of the group.`, { entity: 'Group queue', id: groupId });
  }
}

export interface TicketListQuery {
  status?: TicketStatus | 'unsolved' | undefined;
  assigneeId?: string | undefined;
  groupId?: string | undefined;
}

/**
 * Which index read answers a list request for this viewer:
 * - `status`: every ticket of one status (GSI1) — `tickets:all` only;
 * - `agent`: an agent's tickets (GSI2); for a restricted viewer asking for a colleague, `narrow`
 *   keeps only the tickets the viewer sees (those of their groups, CCs, escalations, their own);
 * - `queue`: a group's unassigned queue (GSI2) — for a restricted viewer only one of their groups;
 * - `workspace`: a restricted viewer's list of one status: their own tickets and their groups'
 *   unassigned queues (one GSI2 Query each, merged newest first).
 */
export type TicketListPlan =
  | { by: 'status'; status: TicketStatus }
  | { by: 'agent'; agentId: string; status?: TicketStatus | 'unsolved'; narrow: boolean }
  | { by: 'queue'; groupId: string; status?: TicketStatus | 'unsolved' }
  | { by: 'workspace'; agentId: string; groupIds: string[]; status: TicketStatus };

export function planTicketList(v: TicketViewer, q: TicketListQuery): TicketListPlan {
  const { assigneeId, groupId, status } = q;
  if (assigneeId && groupId) throw ValidationError.field('groupId', 'give assigneeId (an agent’s tickets) or groupId (a group’s unassigned queue), not both');
  const st = status ? { status } : {};
  if (assigneeId) return { by: 'agent', agentId: assigneeId, ...st, narrow: !v.all && assigneeId !== v.id };
  if (groupId) {
    if (!v.all && !v.groups.includes(groupId)) throw new QueueNotVisible(groupId);
    return { by: 'queue', groupId, ...st };
  }
  if (!status || status === 'unsolved') throw ValidationError.field('status', 'is required without assigneeId or groupId: one of new, open, pending, on-hold, solved, closed');
  if (v.all) return { by: 'status', status };
  return { by: 'workspace', agentId: v.id, groupIds: [...v.groups], status };
}

/** The title a task linked to a ticket the caller may not see shows in place of its own. */
export const RESTRICTED_TASK_TITLE = 'Task about a ticket (restricted)';

/**
 * Does the caller read this task's free text (title, description, completion criteria, outcome)?
 * A task linked to no ticket: yes. Its assignee (the work is theirs) and its creator (they wrote
 * it): yes. Anyone else: when they see the linked ticket — the ticket rule above, so a follow-up
 * task tells nothing about a complaint to an agent of another group.
 */
export function readsTaskText(callerId: string, t: Pick<Task, 'assigneeId' | 'createdBy' | 'links'>, sees: (ticketId: string) => boolean): boolean {
  const ticketId = t.links.ticketId;
  if (!ticketId) return true;
  if (t.assigneeId === callerId || t.createdBy === callerId) return true;
  return sees(ticketId);
}

/**
 * A task as a caller who may not read its text gets it: the title is RESTRICTED_TASK_TITLE; the
 * description, completion criteria and outcome are gone, and so is the link to the ticket (its
 * id, like its existence, is not theirs to learn). Who, when, status and the other links stay.
 */
export function redactTask(t: Task): Task {
  const { description: _d, completionCriteria: _c, outcome: _o, links, ...rest } = t;
  const { ticketId: _t, ...otherLinks } = links;
  return { ...rest, title: RESTRICTED_TASK_TITLE, links: otherLinks };
}
