import { listUsers as contract } from '../../../shared/api/users';
import { httpHandler } from '../../../shared/http/handler';
import { listUsers } from '../../../shared/usecases/users/manage';

export const handler = httpHandler(contract, async ({ query, deps, principal, correlationId }) => ({
  body: await listUsers({ deps, correlationId, actorId: principal.sub }, query),
}));
