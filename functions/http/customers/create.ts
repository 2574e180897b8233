import { createCustomer as contract } from '../../../shared/api/customers';
import { httpHandler } from '../../../shared/http/handler';
import { createInput, present } from '../../../shared/usecases/customer-input';
import { createCustomer } from '../../../shared/usecases/customers';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const c = await createCustomer({ deps, correlationId, actorId: principal.sub }, createInput(body, deps.config.defaultPhoneRegion));
  return { body: present(c, principal), headers: { location: `/v1/customers/${c.id}` } };
});
