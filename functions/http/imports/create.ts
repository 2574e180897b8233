import { createImport as contract } from '../../../shared/api/transfers';
import { httpHandler } from '../../../shared/http/handler';
import { blobStore } from '../../../shared/runtime/s3-blob-store';
import { createImport, presentImport } from '../../../shared/usecases/imports/jobs';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const { job, upload } = await createImport({ deps, correlationId, actorId: principal.sub }, blobStore(deps), body);
  return { body: presentImport(job, upload), headers: { location: `/v1/imports/${job.id}` } };
});
