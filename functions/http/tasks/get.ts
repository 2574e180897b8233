import { getTask as contract } from '../../../shared/api/tasks';
import { httpHandler } from '../../../shared/http/handler';
import { requireTask } from '../../../shared/usecases/service/tasks';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({ body: await requireTask({ deps, correlationId, actorId: principal.sub }, params.id) }));
