import { getCustomer360 as contract } from '../../../shared/api/customer-activity';
import { httpHandler } from '../../../shared/http/handler';
import { present } from '../../../shared/usecases/customer-input';
import { customer360For } from '../../../shared/usecases/service/customer-tickets';

/** The 360-degree view: one Query of the customer's partition (see shared/store/keys.ts); tickets as the caller may see them. */
export const handler = httpHandler(contract, async ({ params, deps, principal }) => {
  const view = await customer360For(deps, principal, params.id, 10);
  const profile = present(view.profile, principal);
  return { body: { ...view, profile, tags: profile.tags } };
});
