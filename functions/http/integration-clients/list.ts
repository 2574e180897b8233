import { listIntegrationClients as contract } from '../../../shared/api/users';
import { httpHandler } from '../../../shared/http/handler';
import { listGrants } from '../../../shared/usecases/users/grants';

export const handler = httpHandler(contract, async ({ query, deps, principal, correlationId }) => ({
  body: await listGrants({ deps, correlationId, actorId: principal.sub }, query.limit, query.cursor),
}));
