import { createContract as contract } from '../../../shared/api/contracts';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { createContract } from '../../../shared/usecases/sales/contracts';
export const handler = httpHandler(contract, async (req) => {
  const c = await createContract(salesCtxOf(req), req.body);
  return { body: c, headers: { location: `/v1/contracts/${c.id}` } };
});
