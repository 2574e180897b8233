import { createCampaign as contract } from '../../../shared/api/campaigns';
import { httpHandler } from '../../../shared/http/handler';
import { createCampaign, presentCampaign } from '../../../shared/usecases/campaigns/campaigns';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const c = await createCampaign({ deps, correlationId, actorId: principal.sub }, body);
  return { body: presentCampaign(c), headers: { location: `/v1/campaigns/${c.id}` } };
});
