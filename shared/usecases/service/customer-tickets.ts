import { NotFoundError } from '../../domain/errors';
import type { TimelineEntry } from '../../domain/interaction';
import type { Permission } from '../../domain/roles';
import { redactTicketRows, seesTicket, ticketsOfRows, ticketSightOf } from '../../domain/service/visibility';
import type { CustomerView } from '../../store/partition-repo';
import type { Ctx } from './common';
import { viewerOf } from './visibility';

/**
 * Ticket visibility on the customer views (issue 7): the 360's `openTickets` and the `ticket` rows
 * of the timeline (the 360's latest rows and `GET /v1/customers/{id}/timeline`) show a ticket's
 * number, subject and status only to a caller who sees that ticket.
 *
 * - Without `tickets:read` (a marketer, an analyst): no open tickets, every `ticket` row redacted.
 * - With `tickets:all`: everything, and nothing more is read (the 360 stays one Query).
 * - Otherwise (a service agent): the tickets named are read (one BatchGet of their visibility
 *   fields, 100 keys a round — a customer has few open tickets, a timeline page at most `limit`
 *   rows) and judged with `seesTicket`; the refs in the partition carry no group, collaborators or
 *   escalation, and the ticket is always right. A ticket that no longer exists is not seen.
 *
 * A redacted row keeps its id, kind and time (`redactTicketRows`): the history keeps its shape.
 */
interface Caller {
  sub: string;
  can(permission: Permission): boolean;
}

/**
 * A predicate telling, for each of these tickets, whether the caller sees it; `undefined` for a
 * caller with `tickets:all`, who sees everything as written (nothing is read).
 */
export async function ticketsSeenBy(deps: Ctx['deps'], p: Caller, ticketIds: readonly string[]): Promise<((ticketId: string) => boolean) | undefined> {
  const sight = ticketSightOf((perm) => p.can(perm));
  if (sight === 'all') return undefined;
  if (sight === 'none' || ticketIds.length === 0) return () => false;
  const [viewer, tickets] = await Promise.all([viewerOf(deps, p), deps.tickets.visibilityOf(ticketIds)]);
  const seen = new Set([...tickets.values()].filter((t) => seesTicket(viewer, t)).map((t) => t.id));
  return (id) => seen.has(id);
}

/** The ticket an open-ticket ref of the 360 is about. */
const refTicket = (ref: Record<string, unknown>): string | undefined => (typeof ref.ticketId === 'string' ? ref.ticketId : undefined);

/** The 360 view as the caller may read it (404 for a customer that does not exist or was deleted). */
export async function customer360For(deps: Ctx['deps'], p: Caller, customerId: string, timelineLimit: number): Promise<CustomerView> {
  const view = await deps.partition.view(customerId, timelineLimit);
  if (!view || view.profile.status === 'deleted') throw new NotFoundError('Customer', customerId);
  const refIds = view.openTickets.map(refTicket).filter((id): id is string => id !== undefined);
  const sees = await ticketsSeenBy(deps, p, [...new Set([...refIds, ...ticketsOfRows(view.timeline)])]);
  if (!sees) return view;
  return {
    ...view,
    openTickets: view.openTickets.filter((ref) => {
      const id = refTicket(ref);
      return id !== undefined && sees(id);
    }),
    timeline: redactTicketRows(view.timeline, sees),
  };
}

/** A page of the customer's timeline as the caller may read it (404 for a customer that does not exist). */
export async function customerTimelineFor(deps: Ctx['deps'], p: Caller, customerId: string, limit: number, cursor?: string): Promise<{ items: TimelineEntry[]; cursor?: string }> {
  const page = await deps.partition.timeline(customerId, limit, cursor);
  if (page.items.length === 0 && !cursor) await deps.customers.require(customerId);
  const sees = await ticketsSeenBy(deps, p, ticketsOfRows(page.items));
  return sees ? { ...page, items: redactTicketRows(page.items, sees) } : page;
}
