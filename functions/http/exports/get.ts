import { getExport as contract } from '../../../shared/api/transfers';
import { httpHandler } from '../../../shared/http/handler';
import { blobStore } from '../../../shared/runtime/s3-blob-store';
import { downloadOf, presentExport, requireExport } from '../../../shared/usecases/exports';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => {
  const job = await requireExport({ deps, correlationId, actorId: principal.sub }, params.id, principal);
  const now = deps.clock.now().getTime();
  return { body: presentExport(job, job.status === 'completed' ? await downloadOf(blobStore(deps), job, now) : undefined, now) };
});
