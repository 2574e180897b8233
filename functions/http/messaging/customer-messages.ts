import { listCustomerMessages as contract } from '../../../shared/api/messaging';
import { httpHandler } from '../../../shared/http/handler';
import { listMessagesOf } from '../../../shared/usecases/messaging/present';

export const handler = httpHandler(contract, async ({ params, query, deps, principal, correlationId }) => ({
  body: await listMessagesOf({ deps, correlationId, actorId: principal.sub }, params.id, query.limit, query.cursor, principal.can('pii:read')),
}));
