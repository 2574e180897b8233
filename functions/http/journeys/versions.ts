import { listJourneyVersions as contract } from '../../../shared/api/journeys';
import { httpHandler } from '../../../shared/http/handler';
import { presentVersion } from '../../../shared/usecases/journeys/present';
import { listVersions } from '../../../shared/usecases/journeys/queries';

export const handler = httpHandler(contract, async ({ params, query, deps, principal, correlationId }) => {
  const page = await listVersions({ deps, correlationId, actorId: principal.sub }, params.id, query.limit, query.cursor);
  return { body: { items: page.items.map(presentVersion), ...(page.cursor ? { cursor: page.cursor } : {}) } };
});
