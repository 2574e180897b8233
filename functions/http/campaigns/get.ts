import { getCampaign as contract } from '../../../shared/api/campaigns';
import { httpHandler } from '../../../shared/http/handler';
import { campaigns, presentCampaign, requireCampaign } from '../../../shared/usecases/campaigns/campaigns';

export const handler = httpHandler(contract, async ({ params, deps }) => {
  const [c, run] = await Promise.all([requireCampaign(deps, params.id), campaigns(deps).getRun(params.id)]);
  return { body: presentCampaign(c, run) };
});
