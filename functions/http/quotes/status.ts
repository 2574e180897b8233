import { setQuoteStatus as contract } from '../../../shared/api/quotes';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { acceptQuote } from '../../../shared/usecases/sales/quote-accept';
import { setQuoteStatus } from '../../../shared/usecases/sales/quotes';
export const handler = httpHandler(contract, async (req) => {
  const ctx = salesCtxOf(req);
  const { status, reason, contract } = req.body;
  if (status === 'accepted') return { body: await acceptQuote(ctx, req.params.id, contract ? { contract } : {}) };
  return { body: { quote: await setQuoteStatus(ctx, req.params.id, status, reason) } };
});
