import { unmergeCustomers as contract } from '../../../shared/api/merges';
import { httpHandler } from '../../../shared/http/handler';
import { present } from '../../../shared/usecases/customer-input';
import { unmergeCustomers } from '../../../shared/usecases/merge';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const r = await unmergeCustomers({ deps, correlationId, actorId: principal.sub }, params.id, body.mergeId);
  const { plan: _p, sourceSnapshot: _s, targetVersion: _v, ...merge } = r.merge;
  return { body: { merge, customer: present(r.customer, principal), restored: present(r.restored, principal) } };
});
