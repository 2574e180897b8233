import { campaignResults as contract } from '../../../shared/api/campaigns';
import { httpHandler } from '../../../shared/http/handler';
import { campaignResults } from '../../../shared/usecases/campaigns/results';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({
  body: await campaignResults({ deps, correlationId, actorId: principal.sub }, params.id),
}));
