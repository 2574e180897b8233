import { listContracts as contract } from '../../../shared/api/contracts';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { listContracts } from '../../../shared/usecases/sales/contracts';
export const handler = httpHandler(contract, async (req) => {
  const { limit, cursor, ...q } = req.query;
  return { body: await listContracts(salesCtxOf(req), { ...q, limit, ...(cursor ? { cursor } : {}) }) };
});
