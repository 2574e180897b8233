import { getTemplate as contract } from '../../../shared/api/templates';
import { httpHandler } from '../../../shared/http/handler';
import { getTemplate } from '../../../shared/usecases/messaging/templates';

export const handler = httpHandler(contract, async ({ params, query, deps, principal, correlationId }) => ({
  body: (await getTemplate({ deps, correlationId, actorId: principal.sub }, params.id, query.version)) as never,
}));
