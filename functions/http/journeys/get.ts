import { getJourney as contract } from '../../../shared/api/journeys';
import { httpHandler } from '../../../shared/http/handler';
import { requireJourney } from '../../../shared/usecases/journeys/journeys';
import { presentJourney } from '../../../shared/usecases/journeys/present';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({ body: presentJourney(await requireJourney({ deps, correlationId, actorId: principal.sub }, params.id)) }));
