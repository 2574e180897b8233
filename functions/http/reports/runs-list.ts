import { listRuns as contract } from '../../../shared/api/reports';
import { httpHandler } from '../../../shared/http/handler';
import { listRuns } from '../../../shared/usecases/analytics/runs';

export const handler = httpHandler(contract, async ({ query, deps, principal, correlationId }) => ({ body: { items: await listRuns({ deps, correlationId, actorId: principal.sub }, query.limit) } }));
