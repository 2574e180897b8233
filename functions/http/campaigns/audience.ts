import { previewCampaignAudience as contract } from '../../../shared/api/campaigns';
import { httpHandler } from '../../../shared/http/handler';
import { previewAudience } from '../../../shared/usecases/campaigns/preview';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({
  body: await previewAudience({ deps, correlationId, actorId: principal.sub }, params.id),
}));
