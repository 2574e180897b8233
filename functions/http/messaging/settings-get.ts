import { getMessagingSettings as contract } from '../../../shared/api/messaging';
import { httpHandler } from '../../../shared/http/handler';
import { getMessagingSettings } from '../../../shared/usecases/messaging/settings';

export const handler = httpHandler(contract, async ({ deps, principal, correlationId }) => ({ body: await getMessagingSettings({ deps, correlationId, actorId: principal.sub }) }));
