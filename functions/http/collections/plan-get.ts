import { getCollectionPlan as contract } from '../../../shared/api/collections';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { getPlan } from '../../../shared/usecases/sales/collections';
export const handler = httpHandler(contract, async (req) => {
  return { body: await getPlan(salesCtxOf(req), req.params.id) };
});
