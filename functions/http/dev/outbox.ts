import { listDevOutbox as contract } from '../../../shared/api/messaging';
import { httpHandler } from '../../../shared/http/handler';
import { DevOutbox } from '../../../shared/runtime/messaging';

/** What would have been sent: the dev outbox, newest first (optionally one customer's). */
export const handler = httpHandler(contract, async ({ query, deps }) => {
  const all = await new DevOutbox(deps.db, () => deps.clock.now()).list(query.customerId ? 1000 : query.limit);
  const items = (query.customerId ? all.filter((m) => m.customerId === query.customerId) : all).slice(0, query.limit);
  return {
    body: {
      items: items.map((m) => ({
        id: m.id,
        channel: m.channel,
        to: m.to,
        ...(m.subject ? { subject: m.subject } : {}),
        body: m.body,
        ...(m.html ? { html: m.html } : {}),
        ...(m.headers ? { headers: m.headers } : {}),
        ...(m.payload !== undefined ? { payload: m.payload } : {}),
        purpose: m.purpose,
        ...(m.customerId ? { customerId: m.customerId } : {}),
        sentAt: m.sentAt,
      })),
    },
  };
});
