import { createSegment as contract } from '../../../shared/api/segments';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { createSegment, presentSegment } from '../../../shared/usecases/segmentation/segments';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const { segment } = await createSegment({ deps, correlationId, actorId: principal.sub }, messageQueue(deps), body);
  return { body: presentSegment(segment), headers: { location: `/v1/segments/${segment.id}` } };
});
