import { addTicketComment as contract } from '../../../shared/api/tickets';
import { httpHandler } from '../../../shared/http/handler';
import { addComment, presentTicket } from '../../../shared/usecases/service/tickets';
import { ticketCtxOf } from '../../../shared/usecases/service/visibility';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const { ticket, comment } = await addComment(await ticketCtxOf({ deps, correlationId, principal }), params.id, body);
  return { body: { comment, ticket: presentTicket(ticket, deps.clock.now().getTime()) } };
});
