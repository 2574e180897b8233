import { listCollections as contract } from '../../../shared/api/collections';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { listCollections } from '../../../shared/usecases/sales/collections';
export const handler = httpHandler(contract, async (req) => {
  const { limit, cursor, ...q } = req.query;
  return { body: await listCollections(salesCtxOf(req), { ...q, limit, ...(cursor ? { cursor } : {}) }) };
});
