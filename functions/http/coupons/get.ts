import { getCouponPool as contract } from '../../../shared/api/coupons';
import { httpHandler } from '../../../shared/http/handler';
import { getPool } from '../../../shared/usecases/campaigns/coupons';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({ body: await getPool({ deps, correlationId, actorId: principal.sub }, params.id) }));
