import { getTicketHistory as contract } from '../../../shared/api/tickets';
import { httpHandler } from '../../../shared/http/handler';
import { requireTicket } from '../../../shared/usecases/service/tickets';
import { ticketCtxOf } from '../../../shared/usecases/service/visibility';

export const handler = httpHandler(contract, async ({ params, query, deps, principal, correlationId }) => {
  await requireTicket(await ticketCtxOf({ deps, correlationId, principal }), params.id);
  const page = await deps.tickets.history(params.id, query.limit, query.cursor);
  return { body: { items: page.items.map(({ ticketId: _t, ...h }) => h), ...(page.cursor ? { cursor: page.cursor } : {}) } };
});
