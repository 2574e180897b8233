import { removeSuppression as contract } from '../../../shared/api/messaging';
import { httpHandler } from '../../../shared/http/handler';
import { presentSuppression, removeSuppression } from '../../../shared/usecases/messaging/suppressions';

export const handler = httpHandler(contract, async ({ params, query, deps, principal, correlationId, log }) => {
  const removed = await removeSuppression({ deps, correlationId, actorId: principal.sub }, params.id);
  log.info('suppression removed', { id: params.id, channel: removed.channel, previousReason: removed.reason, reason: query.reason, by: principal.sub });
  return { body: presentSuppression(removed, principal.can('pii:read')) };
});
