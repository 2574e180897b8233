import { deleteSlaPolicy as contract } from '../../../shared/api/sla';
import { httpHandler } from '../../../shared/http/handler';
import { deletePolicy } from '../../../shared/usecases/service/admin';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({ body: await deletePolicy({ deps, correlationId, actorId: principal.sub }, params.id) }));
