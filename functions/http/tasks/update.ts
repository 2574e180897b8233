import { updateTask as contract } from '../../../shared/api/tasks';
import { httpHandler } from '../../../shared/http/handler';
import { taskFor } from '../../../shared/usecases/service/task-visibility';
import { updateTask } from '../../../shared/usecases/service/tasks';

/** Changes a task; the answer follows the same rule as GET (a task about a ticket the caller may not see is redacted). */
export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => ({
  body: await taskFor(deps, principal, await updateTask({ deps, correlationId, actorId: principal.sub }, params.id, body)),
}));
