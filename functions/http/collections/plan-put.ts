import { putCollectionPlan as contract } from '../../../shared/api/collections';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { setPlan } from '../../../shared/usecases/sales/collections';
export const handler = httpHandler(contract, async (req) => {
  return { body: await setPlan(salesCtxOf(req), req.params.id, req.body) };
});
