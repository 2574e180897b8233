import { updateTag as contract } from '../../../shared/api/tags';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { presentNewJob } from '../../../shared/usecases/jobs/jobs';
import { presentTag, updateTag } from '../../../shared/usecases/segmentation/tags';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const { tag, job } = await updateTag({ deps, correlationId, actorId: principal.sub }, messageQueue(deps), params.name, body);
  return { body: { ...presentTag(tag), ...(job ? { job: presentNewJob(job) } : {}) } };
});
