import { listDuplicates as contract } from '../../../shared/api/merges';
import { httpHandler } from '../../../shared/http/handler';

export const handler = httpHandler(contract, async ({ query, deps }) => {
  return { body: await deps.duplicates.list(query.status, query.limit, query.cursor) };
});
