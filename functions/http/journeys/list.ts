import { listJourneys as contract } from '../../../shared/api/journeys';
import { httpHandler } from '../../../shared/http/handler';
import { presentJourney } from '../../../shared/usecases/journeys/present';
import { listJourneys } from '../../../shared/usecases/journeys/queries';

export const handler = httpHandler(contract, async ({ query, deps, principal, correlationId }) => {
  const page = await listJourneys({ deps, correlationId, actorId: principal.sub }, query.limit, query.cursor, query.status);
  return { body: { items: page.items.map(presentJourney), ...(page.cursor ? { cursor: page.cursor } : {}) } };
});
