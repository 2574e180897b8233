import { addSuppression as contract } from '../../../shared/api/messaging';
import { httpHandler } from '../../../shared/http/handler';
import { addSuppression, presentSuppression } from '../../../shared/usecases/messaging/suppressions';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const { suppression, created } = await addSuppression({ deps, correlationId, actorId: principal.sub }, body);
  return { status: created ? 201 : 200, body: presentSuppression(suppression, principal.can('pii:read')) };
});
