import { opportunityHistory as contract } from '../../../shared/api/opportunities';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { opportunityHistory } from '../../../shared/usecases/sales/opportunities';
export const handler = httpHandler(contract, async (req) => {
  return { body: await opportunityHistory(salesCtxOf(req), req.params.id, req.query.limit, req.query.cursor) };
});
