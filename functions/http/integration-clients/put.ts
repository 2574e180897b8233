import { putIntegrationClient as contract } from '../../../shared/api/users';
import { httpHandler } from '../../../shared/http/handler';
import { putGrant } from '../../../shared/usecases/users/grants';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => ({
  body: await putGrant({ deps, correlationId, actorId: principal.sub }, params.clientId, body),
}));
