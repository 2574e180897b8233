import { leadHistory as contract } from '../../../shared/api/leads';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { leadHistory } from '../../../shared/usecases/sales/lead-followups';
export const handler = httpHandler(contract, async (req) => {
  return { body: await leadHistory(salesCtxOf(req), req.params.id, req.query.limit, req.query.cursor) };
});
