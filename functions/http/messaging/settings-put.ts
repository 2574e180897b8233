import { putMessagingSettings as contract } from '../../../shared/api/messaging';
import { httpHandler } from '../../../shared/http/handler';
import { putMessagingSettings } from '../../../shared/usecases/messaging/settings';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => ({ body: await putMessagingSettings({ deps, correlationId, actorId: principal.sub }, body) }));
