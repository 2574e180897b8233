import { deleteJourneySecret as contract } from '../../../shared/api/journeys';
import { httpHandler } from '../../../shared/http/handler';
import { deleteSecret } from '../../../shared/usecases/journeys/secrets';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => {
  await deleteSecret({ deps, correlationId, actorId: principal.sub }, params.name);
  return { status: 204, body: {} };
});
