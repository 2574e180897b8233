import { getCustomer360 as contract } from '../../../shared/api/customer-activity';
import { NotFoundError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';
import { present } from '../../../shared/usecases/customer-input';

/** The 360-degree view: one Query of the customer's partition (see shared/store/keys.ts). */
export const handler = httpHandler(contract, async ({ params, deps, principal }) => {
  const view = await deps.partition.view(params.id, 10);
  if (!view || view.profile.status === 'deleted') throw new NotFoundError('Customer', params.id);
  const profile = present(view.profile, principal);
  return { body: { ...view, profile, tags: profile.tags } };
});
