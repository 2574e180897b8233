import { listOpportunities as contract } from '../../../shared/api/opportunities';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { listOpportunities } from '../../../shared/usecases/sales/opportunities';
export const handler = httpHandler(contract, async (req) => {
  const { limit, cursor, ...q } = req.query;
  return { body: await listOpportunities(salesCtxOf(req), { ...q, limit, ...(cursor ? { cursor } : {}) }) };
});
