import { listQuotes as contract } from '../../../shared/api/quotes';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { listQuotes } from '../../../shared/usecases/sales/quotes';
export const handler = httpHandler(contract, async (req) => {
  return { body: await listQuotes(salesCtxOf(req), req.query.opportunityId, req.query.limit, req.query.cursor) };
});
