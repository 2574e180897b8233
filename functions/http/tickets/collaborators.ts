import { setTicketCollaborators as contract } from '../../../shared/api/tickets';
import { httpHandler } from '../../../shared/http/handler';
import { presentTicket, setCollaborators } from '../../../shared/usecases/service/tickets';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const t = await setCollaborators({ deps, correlationId, actorId: principal.sub }, params.id, body);
  return { body: presentTicket(t, deps.clock.now().getTime()) };
});
