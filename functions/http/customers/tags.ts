import { changeCustomerTags as contract } from '../../../shared/api/tags';
import { httpHandler } from '../../../shared/http/handler';
import { present } from '../../../shared/usecases/customer-input';
import { changeCustomerTags } from '../../../shared/usecases/segmentation/tags';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const c = await changeCustomerTags({ deps, correlationId, actorId: principal.sub }, params.id, body.add, body.remove);
  return { body: present(c, principal) };
});
