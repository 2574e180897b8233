import { deleteCustomer as contract } from '../../../shared/api/customers';
import { httpHandler } from '../../../shared/http/handler';
import { present } from '../../../shared/usecases/customer-input';
import { deleteCustomer } from '../../../shared/usecases/customers';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => {
  const c = await deleteCustomer({ deps, correlationId, actorId: principal.sub }, params.id);
  return { body: present(c, principal) };
});
