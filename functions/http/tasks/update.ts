import { updateTask as contract } from '../../../shared/api/tasks';
import { httpHandler } from '../../../shared/http/handler';
import { updateTask } from '../../../shared/usecases/service/tasks';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => ({ body: await updateTask({ deps, correlationId, actorId: principal.sub }, params.id, body) }));
