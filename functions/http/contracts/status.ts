import { setContractStatus as contract } from '../../../shared/api/contracts';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { setContractStatus } from '../../../shared/usecases/sales/contracts';
export const handler = httpHandler(contract, async (req) => {
  const { status, ...opts } = req.body;
  return { body: await setContractStatus(salesCtxOf(req), req.params.id, status, opts) };
});
