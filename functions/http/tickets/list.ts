import { listTickets as contract } from '../../../shared/api/tickets';
import { httpHandler } from '../../../shared/http/handler';
import { presentTicket } from '../../../shared/usecases/service/tickets';
import { listTicketsFor, ticketCtxOf } from '../../../shared/usecases/service/visibility';

/**
 * Always index queries: by status (GSI1, sharded), by agent or a group's unassigned queue (GSI2);
 * a restricted agent's status list is their workspace (their tickets and their groups' queues).
 */
export const handler = httpHandler(contract, async ({ query, deps, principal, correlationId }) => {
  const { limit, cursor, ...filter } = query;
  const page = await listTicketsFor(await ticketCtxOf({ deps, correlationId, principal }), filter, limit, cursor);
  const now = deps.clock.now().getTime();
  return { body: { items: page.items.map((t) => presentTicket(t, now)), ...(page.cursor ? { cursor: page.cursor } : {}) } };
});
