import { listTemplates as contract } from '../../../shared/api/templates';
import { httpHandler } from '../../../shared/http/handler';
import { listTemplates } from '../../../shared/usecases/messaging/templates';

export const handler = httpHandler(contract, async ({ query, deps, principal, correlationId }) => ({
  body: await listTemplates({ deps, correlationId, actorId: principal.sub }, query.limit, query.cursor),
}));
