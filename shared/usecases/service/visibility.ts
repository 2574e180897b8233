import type { Permission } from '../../domain/roles';
import type { Group } from '../../domain/service/agents';
import { membershipOf, planTicketList, seesTicket, type TicketListQuery, type TicketViewer } from '../../domain/service/visibility';
import type { Ticket } from '../../domain/service/ticket';
import type { Db } from '../../store/client';
import type { Page } from '../../store/tickets-repo';
import { CALLER_TTL_MS, TtlCache } from '../users/caller-gate';
import type { Ctx } from './common';

/**
 * The ticket visibility rule at the edge (issue 7; the rule itself is pure in
 * shared/domain/service/visibility.ts): who the HTTP caller is as a ticket viewer, and the ticket
 * lists they may read.
 *
 * A restricted caller's groups come from the table, never from the token: the groups (queues) are
 * the authority on membership — assignment checks the same `members` — so the viewer's groups are
 * those listing them as a member or the manager. The whole membership (one GSI1 Query of `GROUPS`,
 * a few pages at most) is cached per container for CALLER_TTL_MS, like the caller's user record:
 * a group change through the groups API drops it in its own container at once and reaches the
 * others within the minute (as an invite that joins a group does).
 */
const memberships = new TtlCache<Map<string, string[]>>(CALLER_TTL_MS);

async function loadMembership(deps: Ctx['deps']): Promise<Map<string, string[]>> {
  const groups: Group[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.agents.listGroups(100, cursor);
    groups.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return membershipOf(groups);
}

/** Drops this container's cached membership (after a group was created or changed here). */
export const forgetMembership = (db: Db) => memberships.forget(db.tableName);

/** The service groups an agent is a member or the manager of (cached, see above). */
export async function groupsOfAgent(deps: Ctx['deps'], agentId: string): Promise<string[]> {
  const map = await memberships.get(deps.db.tableName, () => loadMembership(deps));
  return [...(map.get(agentId) ?? [])];
}

interface Caller {
  sub: string;
  can(permission: Permission): boolean;
}

/** The caller as a ticket viewer: `tickets:all` sees every ticket; anyone else their groups' and their own. */
export async function viewerOf(deps: Ctx['deps'], p: Caller): Promise<TicketViewer> {
  if (p.can('tickets:all')) return { id: p.sub, all: true, groups: [] };
  return { id: p.sub, all: false, groups: await groupsOfAgent(deps, p.sub) };
}

/** The context of a ticket route's use case: the caller acts and is the viewer. */
export async function ticketCtxOf(r: { deps: Ctx['deps']; correlationId: string; principal: Caller }): Promise<Ctx> {
  return { deps: r.deps, correlationId: r.correlationId, actorId: r.principal.sub, viewer: await viewerOf(r.deps, r.principal) };
}

/**
 * A page of `GET /v1/tickets` for the viewer, always through an index (the plan in the domain):
 * every ticket of a status (tickets:all); an agent's tickets — a colleague's narrowed to what the
 * viewer sees, so such a page may hold fewer than `limit` items while a cursor follows; one of the
 * viewer's groups' queues; or a restricted viewer's workspace of a status.
 */
export async function listTicketsFor(ctx: Ctx, query: TicketListQuery, limit: number, cursor?: string): Promise<Page<Ticket>> {
  const viewer: TicketViewer = ctx.viewer ?? { id: ctx.actorId, all: true, groups: [] };
  const plan = planTicketList(viewer, query);
  if (plan.by === 'agent') {
    const { narrow, ...list } = plan;
    const page = await ctx.deps.tickets.list(list, limit, cursor);
    return narrow ? { ...page, items: page.items.filter((t) => seesTicket(viewer, t)) } : page;
  }
  const page = await ctx.deps.tickets.list(plan, limit, cursor);
  // Every list of a restricted viewer holds only what they see; checked again here, cheaply.
  return viewer.all ? page : { ...page, items: page.items.filter((t) => seesTicket(viewer, t)) };
}
