import { getContract as contract } from '../../../shared/api/contracts';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { requireContract } from '../../../shared/usecases/sales/contracts';
export const handler = httpHandler(contract, async (req) => {
  return { body: await requireContract(salesCtxOf(req), req.params.id) };
});
