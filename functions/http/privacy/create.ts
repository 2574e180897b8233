import { createPrivacyRequest as contract } from '../../../shared/api/privacy';
import { isOverdue } from '../../../shared/domain/privacy';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { createPrivacyRequest } from '../../../shared/usecases/privacy/requests';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const r = await createPrivacyRequest({ deps: { ...deps, queue: messageQueue(deps) }, correlationId, actorId: principal.sub }, body);
  return { body: { ...r, overdue: isOverdue(r, deps.clock.now().toISOString()) }, headers: { location: `/v1/privacy-requests/${r.id}` } };
});
