import { updateCampaign as contract } from '../../../shared/api/campaigns';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { presentCampaign } from '../../../shared/usecases/campaigns/campaigns';
import { updateCampaign } from '../../../shared/usecases/campaigns/lifecycle';

/** A scheduled campaign whose start moves gets a timer at the new start (the timers queue). */
export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const c = await updateCampaign({ deps: { ...deps, queue: messageQueue(deps) }, correlationId, actorId: principal.sub }, params.id, body);
  return { body: presentCampaign(c) };
});
