import { mergeCustomers as contract } from '../../../shared/api/merges';
import { httpHandler } from '../../../shared/http/handler';
import { present } from '../../../shared/usecases/customer-input';
import { mergeCustomers } from '../../../shared/usecases/merge';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const r = await mergeCustomers({ deps, correlationId, actorId: principal.sub }, params.id, body.sourceId);
  const { plan: _p, sourceSnapshot: _s, targetVersion: _v, ...merge } = r.merge;
  return { body: { merge: { ...merge, movedItems: r.movedItems }, customer: present(r.customer, principal) } };
});
