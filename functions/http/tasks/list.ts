import { listTasks as contract } from '../../../shared/api/tasks';
import { httpHandler } from '../../../shared/http/handler';

export const handler = httpHandler(contract, async ({ query, deps }) => ({ body: await deps.tasks.ofAssignee(query.assigneeId, query.status, query.limit, query.cursor) }));
