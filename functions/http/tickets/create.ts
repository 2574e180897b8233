import { createTicket as contract } from '../../../shared/api/tickets';
import { httpHandler } from '../../../shared/http/handler';
import { createTicket, presentTicket } from '../../../shared/usecases/service/tickets';
import { ticketCtxOf } from '../../../shared/usecases/service/visibility';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const t = await createTicket(await ticketCtxOf({ deps, correlationId, principal }), { ...body, source: 'api' });
  return { body: presentTicket(t, deps.clock.now().getTime()), headers: { location: `/v1/tickets/${t.id}` } };
});
