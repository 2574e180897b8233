import { createJourney as contract } from '../../../shared/api/journeys';
import { httpHandler } from '../../../shared/http/handler';
import { createJourney } from '../../../shared/usecases/journeys/journeys';
import { presentJourney } from '../../../shared/usecases/journeys/present';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const j = await createJourney({ deps, correlationId, actorId: principal.sub }, body);
  return { body: presentJourney(j), headers: { location: `/v1/journeys/${j.id}` } };
});
