import { getJob as contract } from '../../../shared/api/jobs';
import { httpHandler } from '../../../shared/http/handler';
import { presentJob, requireJob } from '../../../shared/usecases/jobs/jobs';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => {
  const { job, parts } = await requireJob({ deps, correlationId, actorId: principal.sub }, params.id);
  return { body: presentJob(job, parts, { pii: principal.can('pii:read') }) };
});
