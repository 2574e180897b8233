import { setMyDuty as contract } from '../../../shared/api/me';
import { httpHandler } from '../../../shared/http/handler';
import { setDuty } from '../../../shared/usecases/service/admin';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => ({ body: await setDuty({ deps, correlationId, actorId: principal.sub }, principal.sub, body.onDuty) }));
