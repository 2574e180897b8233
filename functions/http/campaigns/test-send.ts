import { testSendCampaign as contract } from '../../../shared/api/campaigns';
import { httpHandler } from '../../../shared/http/handler';
import { testSend } from '../../../shared/usecases/campaigns/test-send';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => ({
  body: await testSend({ deps, correlationId, actorId: principal.sub }, params.id, body),
}));
