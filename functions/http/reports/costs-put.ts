import { putCosts as contract } from '../../../shared/api/reports';
import { httpHandler } from '../../../shared/http/handler';
import { putMonthCosts } from '../../../shared/usecases/analytics/costs';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => ({ body: await putMonthCosts({ deps, correlationId, actorId: principal.sub }, params.month, body) }));
