import { putJourneySecret as contract } from '../../../shared/api/journeys';
import { httpHandler } from '../../../shared/http/handler';
import { putSecret } from '../../../shared/usecases/journeys/secrets';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => ({ body: await putSecret({ deps, correlationId, actorId: principal.sub }, params.name, body.value) }));
