import { getJourneyVersion as contract } from '../../../shared/api/journeys';
import { httpHandler } from '../../../shared/http/handler';
import { presentVersion } from '../../../shared/usecases/journeys/present';
import { getVersion } from '../../../shared/usecases/journeys/queries';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({ body: presentVersion(await getVersion({ deps, correlationId, actorId: principal.sub }, params.id, params.number)) }));
