import { getTicket as contract } from '../../../shared/api/tickets';
import { httpHandler } from '../../../shared/http/handler';
import { presentTicket, requireTicket } from '../../../shared/usecases/service/tickets';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => {
  const t = await requireTicket({ deps, correlationId, actorId: principal.sub }, params.id);
  return { body: presentTicket(t, deps.clock.now().getTime()) };
});
