import { enableUser as contract } from '../../../shared/api/users';
import { httpHandler } from '../../../shared/http/handler';
import { userDirectory } from '../../../shared/runtime/directory';
import { enableUser } from '../../../shared/usecases/users/manage';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({
  body: await enableUser({ deps, correlationId, actorId: principal.sub }, await userDirectory(deps), params.id),
}));
