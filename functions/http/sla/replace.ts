import { replaceSlaPolicy as contract } from '../../../shared/api/sla';
import { httpHandler } from '../../../shared/http/handler';
import { replacePolicy } from '../../../shared/usecases/service/admin';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => ({ body: await replacePolicy({ deps, correlationId, actorId: principal.sub }, params.id, body) }));
