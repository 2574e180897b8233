import { logInteraction as contract } from '../../../shared/api/customer-activity';
import { httpHandler } from '../../../shared/http/handler';
import { logInteraction } from '../../../shared/usecases/interactions';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const interaction = await logInteraction({ deps, correlationId, actorId: principal.sub }, params.id, body);
  return { body: interaction };
});
