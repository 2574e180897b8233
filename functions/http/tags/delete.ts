import { deleteTag as contract } from '../../../shared/api/tags';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { presentNewJob } from '../../../shared/usecases/jobs/jobs';
import { deleteTag, presentTag } from '../../../shared/usecases/segmentation/tags';

export const handler = httpHandler(contract, async ({ params, query, deps, principal, correlationId }) => {
  const { tag, job } = await deleteTag({ deps, correlationId, actorId: principal.sub }, messageQueue(deps), params.name, query.removeFromCustomers === 'true');
  return { body: { tag: presentTag(tag), ...(job ? { job: presentNewJob(job) } : {}) } };
});
