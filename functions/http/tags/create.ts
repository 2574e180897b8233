import { createTag as contract } from '../../../shared/api/tags';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { presentNewJob } from '../../../shared/usecases/jobs/jobs';
import { createTag, presentTag } from '../../../shared/usecases/segmentation/tags';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const { tag, job } = await createTag({ deps, correlationId, actorId: principal.sub }, messageQueue(deps), body);
  // Profiles may carry the tag already (imports, manual tags before it was in the catalog).
  const members = await deps.tagIndex.count(tag.name);
  return { body: { ...presentTag(tag, members), ...(job ? { job: presentNewJob(job) } : {}) }, headers: { location: presentTag(tag).links.self } };
});
