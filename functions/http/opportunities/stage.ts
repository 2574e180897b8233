import { moveOpportunityStage as contract } from '../../../shared/api/opportunities';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { moveStage } from '../../../shared/usecases/sales/stages';
export const handler = httpHandler(contract, async (req) => {
  return { body: await moveStage(salesCtxOf(req), req.params.id, req.body) };
});
