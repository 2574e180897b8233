import { myTasks as contract } from '../../../shared/api/me';
import { httpHandler } from '../../../shared/http/handler';

export const handler = httpHandler(contract, async ({ query, deps, principal }) => ({ body: await deps.tasks.ofAssignee(principal.sub, query.status, query.limit, query.cursor) }));
