import { listTasks as contract } from '../../../shared/api/tasks';
import { httpHandler } from '../../../shared/http/handler';
import { tasksFor } from '../../../shared/usecases/service/task-visibility';

/** An agent's tasks; the text of those about a ticket the caller may not see is redacted. */
export const handler = httpHandler(contract, async ({ query, deps, principal }) => {
  const page = await deps.tasks.ofAssignee(query.assigneeId, query.status, query.limit, query.cursor);
  return { body: { ...page, items: await tasksFor(deps, principal, page.items) } };
});
