import { inviteUser as contract } from '../../../shared/api/users';
import { httpHandler } from '../../../shared/http/handler';
import { userDirectory } from '../../../shared/runtime/directory';
import { inviteUser } from '../../../shared/usecases/users/invite';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const { user, invitation } = await inviteUser({ deps, correlationId, actorId: principal.sub }, await userDirectory(deps), body);
  return { body: { ...user, invitation }, headers: { location: `/v1/users/${user.id}` } };
});
