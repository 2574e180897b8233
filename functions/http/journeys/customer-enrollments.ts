import { listCustomerEnrollments as contract } from '../../../shared/api/journeys';
import { httpHandler } from '../../../shared/http/handler';
import { presentEnrollment } from '../../../shared/usecases/journeys/present';
import { listCustomerEnrollments } from '../../../shared/usecases/journeys/queries';

export const handler = httpHandler(contract, async ({ params, query, deps, principal, correlationId }) => {
  const page = await listCustomerEnrollments({ deps, correlationId, actorId: principal.sub }, params.id, query.limit, query.cursor);
  return { body: { items: page.items.map(presentEnrollment), ...(page.cursor ? { cursor: page.cursor } : {}) } };
});
