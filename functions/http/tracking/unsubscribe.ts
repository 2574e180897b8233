import { unsubscribeOneClick as contract } from '../../../shared/api/messaging';
import { httpHandler } from '../../../shared/http/handler';
import { htmlAnswer, unsubscribedPage } from '../../../shared/runtime/channel-pages';
import { settingsOf } from '../../../shared/usecases/messaging/decide';
import { unsubscribe } from '../../../shared/usecases/messaging/unsubscribe';

/**
 * Public, RFC 8058 one-click: mailbox providers POST `List-Unsubscribe=One-Click` (form-encoded)
 * to the List-Unsubscribe URL; the confirmation page's button does the same. The body is not
 * needed (the signed token says which message), so any body is accepted; a repeat is harmless.
 */
const inner = httpHandler(contract, async ({ params, deps, correlationId }) => {
  const ctx = { deps, correlationId, actorId: 'customer:unsubscribe' };
  const r = await unsubscribe(ctx, params.token);
  return { body: unsubscribedPage((await settingsOf(ctx)).email.fromName, r.channel) };
});

export const handler = htmlAnswer(inner);
