import { contractHistory as contract } from '../../../shared/api/contracts';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { contractHistory } from '../../../shared/usecases/sales/contracts';
export const handler = httpHandler(contract, async (req) => {
  return { body: await contractHistory(salesCtxOf(req), req.params.id, req.query.limit, req.query.cursor) };
});
