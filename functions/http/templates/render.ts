import { renderTemplate as contract } from '../../../shared/api/templates';
import { httpHandler } from '../../../shared/http/handler';
import { testRender } from '../../../shared/usecases/messaging/templates';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => ({
  body: await testRender({ deps, correlationId, actorId: principal.sub }, params.id, body),
}));
