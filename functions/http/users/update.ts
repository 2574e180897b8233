import { updateUser as contract } from '../../../shared/api/users';
import { httpHandler } from '../../../shared/http/handler';
import { userDirectory } from '../../../shared/runtime/directory';
import { updateUser } from '../../../shared/usecases/users/manage';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => ({
  body: await updateUser({ deps, correlationId, actorId: principal.sub }, await userDirectory(deps), params.id, body),
}));
