import { updateQuote as contract } from '../../../shared/api/quotes';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { updateQuote } from '../../../shared/usecases/sales/quotes';
export const handler = httpHandler(contract, async (req) => {
  return { body: await updateQuote(salesCtxOf(req), req.params.id, req.body) };
});
