import { updateJourney as contract } from '../../../shared/api/journeys';
import { httpHandler } from '../../../shared/http/handler';
import { updateJourney } from '../../../shared/usecases/journeys/journeys';
import { presentJourney } from '../../../shared/usecases/journeys/present';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => ({ body: presentJourney(await updateJourney({ deps, correlationId, actorId: principal.sub }, params.id, body)) }));
