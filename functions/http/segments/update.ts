import { updateSegment as contract } from '../../../shared/api/segments';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { presentSegment, updateSegment } from '../../../shared/usecases/segmentation/segments';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const { segment } = await updateSegment({ deps, correlationId, actorId: principal.sub }, messageQueue(deps), params.id, body);
  return { body: presentSegment(segment) };
});
