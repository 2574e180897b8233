import { setTicketCollaborators as contract } from '../../../shared/api/tickets';
import { httpHandler } from '../../../shared/http/handler';
import { presentTicket, setCollaborators } from '../../../shared/usecases/service/tickets';
import { ticketCtxOf } from '../../../shared/usecases/service/visibility';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const t = await setCollaborators(await ticketCtxOf({ deps, correlationId, principal }), params.id, body);
  return { body: presentTicket(t, deps.clock.now().getTime()) };
});
