import { disableUser as contract } from '../../../shared/api/users';
import { httpHandler } from '../../../shared/http/handler';
import { userDirectory } from '../../../shared/runtime/directory';
import { disableUser } from '../../../shared/usecases/users/manage';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({
  body: await disableUser({ deps, correlationId, actorId: principal.sub }, await userDirectory(deps), params.id),
}));
