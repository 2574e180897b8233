import { openSurvey as contract } from '../../../shared/api/surveys';
import { httpHandler } from '../../../shared/http/handler';
import { openSurvey } from '../../../shared/usecases/service/surveys';

/** Public: the signed link is the permission. */
export const handler = httpHandler(contract, async ({ params, query, deps, correlationId }) => ({ body: await openSurvey({ deps, correlationId, actorId: 'customer' }, params.id, query) }));
