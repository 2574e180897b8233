import { createOpportunity as contract } from '../../../shared/api/opportunities';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { createOpportunity } from '../../../shared/usecases/sales/opportunities';
export const handler = httpHandler(contract, async (req) => {
  const o = await createOpportunity(salesCtxOf(req), req.body);
  return { body: o, headers: { location: `/v1/opportunities/${o.id}` } };
});
