import { listTicketComments as contract } from '../../../shared/api/tickets';
import { httpHandler } from '../../../shared/http/handler';
import { requireTicket } from '../../../shared/usecases/service/tickets';
import { ticketCtxOf } from '../../../shared/usecases/service/visibility';

export const handler = httpHandler(contract, async ({ params, query, deps, principal, correlationId }) => {
  await requireTicket(await ticketCtxOf({ deps, correlationId, principal }), params.id);
  return { body: await deps.tickets.comments(params.id, query.limit, query.cursor) };
});
