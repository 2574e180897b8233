import { getTimeline as contract } from '../../../shared/api/customer-activity';
import { httpHandler } from '../../../shared/http/handler';

export const handler = httpHandler(contract, async ({ params, query, deps }) => {
  const page = await deps.partition.timeline(params.id, query.limit, query.cursor);
  if (page.items.length === 0 && !query.cursor) await deps.customers.require(params.id);
  return { body: page };
});
