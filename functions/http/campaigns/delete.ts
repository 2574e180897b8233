import { deleteCampaign as contract } from '../../../shared/api/campaigns';
import { httpHandler } from '../../../shared/http/handler';
import { deleteCampaign, presentCampaign } from '../../../shared/usecases/campaigns/campaigns';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({
  body: presentCampaign(await deleteCampaign({ deps, correlationId, actorId: principal.sub }, params.id)),
}));
