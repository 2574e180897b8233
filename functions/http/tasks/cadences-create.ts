import { createCadenceRule as contract } from '../../../shared/api/tasks';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { saveCadence } from '../../../shared/usecases/service/cadences';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const r = await saveCadence({ deps: { ...deps, queue: messageQueue(deps) }, correlationId, actorId: principal.sub }, body);
  return { body: r, headers: { location: `/v1/cadence-rules/${r.id}` } };
});
