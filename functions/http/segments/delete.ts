import { deleteSegment as contract } from '../../../shared/api/segments';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { presentNewJob } from '../../../shared/usecases/jobs/jobs';
import { deleteSegment, presentSegment } from '../../../shared/usecases/segmentation/segments';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => {
  const { segment, job } = await deleteSegment({ deps, correlationId, actorId: principal.sub }, messageQueue(deps), params.id);
  return { body: { segment: presentSegment(segment), job: presentNewJob(job) }, headers: { location: `/v1/jobs/${job.id}` } };
});
