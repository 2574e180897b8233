import { readNotification as contract } from '../../../shared/api/me';
import { httpHandler } from '../../../shared/http/handler';

export const handler = httpHandler(contract, async ({ params, deps, principal }) => ({ body: await deps.notifications.markRead(principal.sub, params.id, deps.clock.now().toISOString()) }));
