import { getTask as contract } from '../../../shared/api/tasks';
import { httpHandler } from '../../../shared/http/handler';
import { taskFor } from '../../../shared/usecases/service/task-visibility';
import { requireTask } from '../../../shared/usecases/service/tasks';

/** One task; the text of a task about a ticket the caller may not see is redacted. */
export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({
  body: await taskFor(deps, principal, await requireTask({ deps, correlationId, actorId: principal.sub }, params.id)),
}));
