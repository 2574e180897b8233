import { listGroups as contract } from '../../../shared/api/agents';
import { httpHandler } from '../../../shared/http/handler';

export const handler = httpHandler(contract, async ({ query, deps }) => ({ body: await deps.agents.listGroups(query.limit, query.cursor) }));
