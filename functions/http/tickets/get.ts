import { getTicket as contract } from '../../../shared/api/tickets';
import { httpHandler } from '../../../shared/http/handler';
import { presentTicket, requireTicket } from '../../../shared/usecases/service/tickets';
import { ticketCtxOf } from '../../../shared/usecases/service/visibility';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => {
  const t = await requireTicket(await ticketCtxOf({ deps, correlationId, principal }), params.id);
  return { body: presentTicket(t, deps.clock.now().getTime()) };
});
