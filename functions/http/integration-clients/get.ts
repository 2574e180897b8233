import { getIntegrationClient as contract } from '../../../shared/api/users';
import { httpHandler } from '../../../shared/http/handler';
import { getGrant } from '../../../shared/usecases/users/grants';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({
  body: await getGrant({ deps, correlationId, actorId: principal.sub }, params.clientId),
}));
