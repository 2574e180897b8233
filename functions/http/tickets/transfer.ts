import { transferTicket as contract } from '../../../shared/api/tickets';
import { httpHandler } from '../../../shared/http/handler';
import { assignTicket, presentTicket } from '../../../shared/usecases/service/tickets';
import { ticketCtxOf } from '../../../shared/usecases/service/visibility';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const t = await assignTicket(await ticketCtxOf({ deps, correlationId, principal }), params.id, { ...body, transfer: true });
  return { body: presentTicket(t, deps.clock.now().getTime()) };
});
