import { updateContract as contract } from '../../../shared/api/contracts';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { updateContract } from '../../../shared/usecases/sales/contracts';
export const handler = httpHandler(contract, async (req) => {
  return { body: await updateContract(salesCtxOf(req), req.params.id, req.body) };
});
