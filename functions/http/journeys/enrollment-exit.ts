import { exitEnrollment as contract } from '../../../shared/api/journeys';
import { httpHandler } from '../../../shared/http/handler';
import { presentEnrollment } from '../../../shared/usecases/journeys/present';
import { exitByHand } from '../../../shared/usecases/journeys/queries';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({ body: presentEnrollment(await exitByHand({ deps, correlationId, actorId: principal.sub }, params.id)) }));
