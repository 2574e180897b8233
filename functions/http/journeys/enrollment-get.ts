import { getEnrollment as contract } from '../../../shared/api/journeys';
import { httpHandler } from '../../../shared/http/handler';
import { presentEnrollment, presentHistory } from '../../../shared/usecases/journeys/present';
import { getEnrollment } from '../../../shared/usecases/journeys/queries';

export const handler = httpHandler(contract, async ({ params, query, deps, principal, correlationId }) => {
  const r = await getEnrollment({ deps, correlationId, actorId: principal.sub }, params.id, query.limit, query.cursor);
  return { body: { enrollment: presentEnrollment(r.enrollment), history: r.history.map(presentHistory), ...(r.cursor ? { cursor: r.cursor } : {}) } };
});
