import { journeyStats as contract } from '../../../shared/api/journeys';
import { httpHandler } from '../../../shared/http/handler';
import { journeyStats } from '../../../shared/usecases/journeys/stats';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({ body: (await journeyStats({ deps, correlationId, actorId: principal.sub }, params.id)) as unknown as Record<string, unknown> }));
