import { scheduleCampaign as contract } from '../../../shared/api/campaigns';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { presentCampaign } from '../../../shared/usecases/campaigns/campaigns';
import { scheduleCampaign } from '../../../shared/usecases/campaigns/lifecycle';

/** Starts now (CampaignStarted: the campaign-events consumer runs the fan-out) or sets the start timer. */
export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => ({
  body: presentCampaign(await scheduleCampaign({ deps: { ...deps, queue: messageQueue(deps) }, correlationId, actorId: principal.sub }, params.id, body.version)),
}));
