import { updateCustomer as contract } from '../../../shared/api/customers';
import { httpHandler } from '../../../shared/http/handler';
import { patchInput, present } from '../../../shared/usecases/customer-input';
import { updateCustomer } from '../../../shared/usecases/customers';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const { version, patch } = patchInput(body, deps.config.defaultPhoneRegion);
  const c = await updateCustomer({ deps, correlationId, actorId: principal.sub }, params.id, version, patch);
  return { body: present(c, principal) };
});
