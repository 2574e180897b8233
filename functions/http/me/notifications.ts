import { myNotifications as contract } from '../../../shared/api/me';
import { httpHandler } from '../../../shared/http/handler';

export const handler = httpHandler(contract, async ({ query, deps, principal }) => ({
  body: await deps.notifications.list(principal.sub, { unread: query.unread === 'true', limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) }),
}));
