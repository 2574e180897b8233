import { updateGroup as contract } from '../../../shared/api/agents';
import { httpHandler } from '../../../shared/http/handler';
import { updateGroup } from '../../../shared/usecases/service/admin';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => ({
  body: await updateGroup({ deps, correlationId, actorId: principal.sub }, params.groupId, body),
}));
