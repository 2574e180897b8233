import { listCosts as contract } from '../../../shared/api/reports';
import { httpHandler } from '../../../shared/http/handler';
import { listCosts } from '../../../shared/usecases/analytics/costs';

export const handler = httpHandler(contract, async ({ query, deps, principal, correlationId }) => ({ body: { items: await listCosts({ deps, correlationId, actorId: principal.sub }, query) } }));
