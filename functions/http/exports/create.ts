import { createExport as contract } from '../../../shared/api/transfers';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { createExport, presentExport } from '../../../shared/usecases/exports';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const job = await createExport({ deps, correlationId, actorId: principal.sub }, body.filter, principal);
  await messageQueue(deps).send('export', JSON.stringify({ jobId: job.id }));
  return { body: presentExport(job, undefined, deps.clock.now().getTime()), headers: { location: `/v1/exports/${job.id}` } };
});
