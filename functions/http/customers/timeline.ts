import { getTimeline as contract } from '../../../shared/api/customer-activity';
import { httpHandler } from '../../../shared/http/handler';
import { customerTimelineFor } from '../../../shared/usecases/service/customer-tickets';

export const handler = httpHandler(contract, async ({ params, query, deps, principal }) => {
  return { body: await customerTimelineFor(deps, principal, params.id, query.limit, query.cursor) };
});
