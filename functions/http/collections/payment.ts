import { recordPayment as contract } from '../../../shared/api/collections';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { recordPayment } from '../../../shared/usecases/sales/collections';
export const handler = httpHandler(contract, async (req) => {
  return { body: await recordPayment(salesCtxOf(req), req.params.id, req.body) };
});
