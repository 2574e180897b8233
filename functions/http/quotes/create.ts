import { createQuote as contract } from '../../../shared/api/quotes';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { createQuote } from '../../../shared/usecases/sales/quotes';
export const handler = httpHandler(contract, async (req) => {
  const { opportunityId, ...input } = req.body;
  const q = await createQuote(salesCtxOf(req), opportunityId, input);
  return { body: q, headers: { location: `/v1/quotes/${q.id}` } };
});
