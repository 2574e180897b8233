import { listCouponPools as contract } from '../../../shared/api/coupons';
import { ValidationError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';
import { listPools } from '../../../shared/usecases/campaigns/coupons';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const handler = httpHandler(contract, async ({ query, deps, principal, correlationId }) => {
  if (query.cursor !== undefined && !ULID.test(query.cursor)) throw ValidationError.field('cursor', 'is not a cursor this API issued');
  return { body: await listPools({ deps, correlationId, actorId: principal.sub }, query.limit, query.cursor) };
});
