import { listRecycleBin as contract } from '../../../shared/api/customers';
import { ValidationError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';
import { present } from '../../../shared/usecases/customer-input';

const BIN_CURSOR = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[0-9A-HJKMNP-TV-Z]{26}$/;

export const handler = httpHandler(contract, async ({ query, deps, principal }) => {
  if (query.cursor !== undefined && !BIN_CURSOR.test(query.cursor)) throw ValidationError.field('cursor', 'is not a cursor this API issued');
  const page = await deps.customers.listRecycleBin(query.limit, query.cursor);
  return { body: { items: page.items.map((c) => present(c, principal)), ...(page.cursor ? { cursor: page.cursor } : {}) } };
});
