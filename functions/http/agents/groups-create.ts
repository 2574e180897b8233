import { createGroup as contract } from '../../../shared/api/agents';
import { httpHandler } from '../../../shared/http/handler';
import { createGroup } from '../../../shared/usecases/service/admin';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const { id, ...input } = body;
  const g = await createGroup({ deps, correlationId, actorId: principal.sub }, id, input);
  return { body: g, headers: { location: `/v1/groups/${g.id}` } };
});
