import { createCouponPool as contract } from '../../../shared/api/coupons';
import { httpHandler } from '../../../shared/http/handler';
import { createPool } from '../../../shared/usecases/campaigns/coupons';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const p = await createPool({ deps, correlationId, actorId: principal.sub }, body);
  return { body: p, headers: { location: `/v1/coupon-pools/${p.id}` } };
});
