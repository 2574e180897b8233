import { getUser as contract } from '../../../shared/api/users';
import { httpHandler } from '../../../shared/http/handler';
import { requireUser } from '../../../shared/usecases/users/common';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({
  body: await requireUser({ deps, correlationId, actorId: principal.sub }, params.id),
}));
