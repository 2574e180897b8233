import { getMessage as contract } from '../../../shared/api/messaging';
import { NotFoundError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';
import { MessagesRepo } from '../../../shared/store/messages-repo';
import { repoOf } from '../../../shared/store/repo-of';
import { presentMessage } from '../../../shared/usecases/messaging/present';

export const handler = httpHandler(contract, async ({ params, deps, principal }) => {
  const m = await repoOf(deps, MessagesRepo).get(params.id);
  if (!m) throw new NotFoundError('Message', params.id);
  return { body: presentMessage(m, principal.can('pii:read')) };
});
