import { getQuote as contract } from '../../../shared/api/quotes';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { requireQuote } from '../../../shared/usecases/sales/quotes';
export const handler = httpHandler(contract, async (req) => {
  return { body: await requireQuote(salesCtxOf(req), req.params.id) };
});
