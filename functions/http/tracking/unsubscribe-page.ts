import { unsubscribePage as contract } from '../../../shared/api/messaging';
import { httpHandler } from '../../../shared/http/handler';
import { htmlAnswer, unsubscribeConfirmPage } from '../../../shared/runtime/channel-pages';
import { unsubscribePage } from '../../../shared/usecases/messaging/unsubscribe';

/** Public: the link in a message; GET only asks (mail scanners follow links), the button POSTs. */
const inner = httpHandler(contract, async ({ params, deps, correlationId }) => {
  const p = await unsubscribePage({ deps, correlationId, actorId: 'customer:unsubscribe' }, params.token);
  return { body: unsubscribeConfirmPage(p.brand, p.channel, p.unsubscribed) };
});

export const handler = htmlAnswer(inner);
