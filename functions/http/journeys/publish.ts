import { publishJourney as contract } from '../../../shared/api/journeys';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { publishJourney } from '../../../shared/usecases/journeys/journeys';
import { presentJourney } from '../../../shared/usecases/journeys/present';

export const handler = httpHandler(contract, async ({ params, query, deps, principal, correlationId }) => {
  const ctx = { deps: { ...deps, queue: messageQueue(deps) }, correlationId, actorId: principal.sub };
  return { body: presentJourney((await publishJourney(ctx, params.id, query.version)).journey) };
});
