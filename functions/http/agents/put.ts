import { putAgent as contract } from '../../../shared/api/agents';
import { httpHandler } from '../../../shared/http/handler';
import { putAgent } from '../../../shared/usecases/service/admin';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => ({
  body: await putAgent({ deps, correlationId, actorId: principal.sub }, params.agentId, body),
}));
