import { createSlaPolicy as contract } from '../../../shared/api/sla';
import { httpHandler } from '../../../shared/http/handler';
import { createPolicy } from '../../../shared/usecases/service/admin';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const p = await createPolicy({ deps, correlationId, actorId: principal.sub }, body);
  return { body: p, headers: { location: `/v1/sla-policies/${p.id}` } };
});
