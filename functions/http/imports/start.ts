import { startImport as contract } from '../../../shared/api/transfers';
import { httpHandler } from '../../../shared/http/handler';
import { blobStore } from '../../../shared/runtime/s3-blob-store';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { presentImport, startImport } from '../../../shared/usecases/imports/jobs';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => {
  const job = await startImport({ deps, correlationId, actorId: principal.sub }, blobStore(deps), messageQueue(deps), params.id);
  return { body: presentImport(job) };
});
