import { putValueSettings as contract } from '../../../shared/api/settings';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { presentValueSettings, putValueSettings } from '../../../shared/usecases/segmentation/settings';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const { config, job } = await putValueSettings({ deps, correlationId, actorId: principal.sub }, messageQueue(deps), body);
  return { body: await presentValueSettings(deps, config, job) };
});
