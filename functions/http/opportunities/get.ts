import { getOpportunity as contract } from '../../../shared/api/opportunities';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { requireOpportunity } from '../../../shared/usecases/sales/opportunities';
export const handler = httpHandler(contract, async (req) => {
  return { body: await requireOpportunity(salesCtxOf(req), req.params.id) };
});
