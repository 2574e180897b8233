import { getRun as contract } from '../../../shared/api/reports';
import { httpHandler } from '../../../shared/http/handler';
import { getRun } from '../../../shared/usecases/analytics/runs';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({ body: await getRun({ deps, correlationId, actorId: principal.sub }, params.id) }));
