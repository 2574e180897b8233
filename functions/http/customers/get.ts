import { getCustomer as contract } from '../../../shared/api/customers';
import { httpHandler } from '../../../shared/http/handler';
import { present } from '../../../shared/usecases/customer-input';

export const handler = httpHandler(contract, async ({ params, deps, principal }) => {
  const c = await deps.customers.require(params.id);
  return { body: present(c, principal) };
});
