import { addCouponCodes as contract } from '../../../shared/api/coupons';
import { httpHandler } from '../../../shared/http/handler';
import { addCodes } from '../../../shared/usecases/campaigns/coupons';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => ({ body: await addCodes({ deps, correlationId, actorId: principal.sub }, params.id, body) }));
