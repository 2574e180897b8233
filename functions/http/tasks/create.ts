import { createTask as contract } from '../../../shared/api/tasks';
import { httpHandler } from '../../../shared/http/handler';
import { createTask } from '../../../shared/usecases/service/tasks';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const t = await createTask({ deps, correlationId, actorId: principal.sub }, body);
  return { body: t, headers: { location: `/v1/tasks/${t.id}` } };
});
