import { getSlaPolicy as contract } from '../../../shared/api/sla';
import { httpHandler } from '../../../shared/http/handler';
import { requirePolicy } from '../../../shared/usecases/service/admin';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({ body: await requirePolicy({ deps, correlationId, actorId: principal.sub }, params.id) }));
