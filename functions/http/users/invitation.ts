import { resendInvitation as contract } from '../../../shared/api/users';
import { httpHandler } from '../../../shared/http/handler';
import { userDirectory } from '../../../shared/runtime/directory';
import { requireUser } from '../../../shared/usecases/users/common';
import { resendInvitation } from '../../../shared/usecases/users/invite';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => {
  const ctx = { deps, correlationId, actorId: principal.sub };
  const { user, invitation } = await resendInvitation(ctx, await userDirectory(deps), await requireUser(ctx, params.id));
  return { body: { ...user, invitation } };
});
