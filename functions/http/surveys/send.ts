import { sendSurveys as contract } from '../../../shared/api/surveys';
import { httpHandler } from '../../../shared/http/handler';
import { sendNpsSurveys } from '../../../shared/usecases/service/surveys';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => ({
  body: { items: await sendNpsSurveys({ deps, correlationId, actorId: principal.sub }, body.customerIds, body.campaign) },
}));
