import { pauseCampaign as contract } from '../../../shared/api/campaigns';
import { httpHandler } from '../../../shared/http/handler';
import { presentCampaign } from '../../../shared/usecases/campaigns/campaigns';
import { pauseCampaign } from '../../../shared/usecases/campaigns/lifecycle';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({
  body: presentCampaign(await pauseCampaign({ deps, correlationId, actorId: principal.sub }, params.id)),
}));
