import { createTagJob as contract } from '../../../shared/api/tags';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { presentNewJob } from '../../../shared/usecases/jobs/jobs';
import { startBulkTags, type BulkTarget } from '../../../shared/usecases/segmentation/bulk-tags';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const job = await startBulkTags({ deps, correlationId, actorId: principal.sub }, messageQueue(deps), { add: body.add, remove: body.remove, target: body.target as BulkTarget });
  return { body: presentNewJob(job, { pii: principal.can('pii:read') }), headers: { location: `/v1/jobs/${job.id}` } };
});
