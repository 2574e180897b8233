import { reviseQuote as contract } from '../../../shared/api/quotes';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { reviseQuote } from '../../../shared/usecases/sales/quotes';
export const handler = httpHandler(contract, async (req) => {
  const q = await reviseQuote(salesCtxOf(req), req.params.id, req.body);
  return { body: q, headers: { location: `/v1/quotes/${q.id}` } };
});
