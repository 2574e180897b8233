import { archiveTemplate as contract } from '../../../shared/api/templates';
import { httpHandler } from '../../../shared/http/handler';
import { archiveTemplate } from '../../../shared/usecases/messaging/templates';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({
  body: await archiveTemplate({ deps, correlationId, actorId: principal.sub }, params.id),
}));
