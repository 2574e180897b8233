import { trackOpen as contract } from '../../../shared/api/messaging';
import { httpHandler } from '../../../shared/http/handler';
import { gifAnswer } from '../../../shared/runtime/channel-pages';
import { trackOpen } from '../../../shared/usecases/messaging/tracking';

/** Public: the open pixel. Always the image; a valid token records an open. */
const inner = httpHandler(contract, async ({ params, deps, correlationId }) => {
  await trackOpen({ deps, correlationId, actorId: 'customer:open' }, params.token);
  return { body: '' };
});

export const handler = gifAnswer(inner);
