import { replaceCadenceRule as contract } from '../../../shared/api/tasks';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { saveCadence } from '../../../shared/usecases/service/cadences';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const { version, ...input } = body;
  return { body: await saveCadence({ deps: { ...deps, queue: messageQueue(deps) }, correlationId, actorId: principal.sub }, input, { id: params.id, version }) };
});
