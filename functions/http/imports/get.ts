import { getImport as contract } from '../../../shared/api/transfers';
import { httpHandler } from '../../../shared/http/handler';
import { presentImport, requireImport } from '../../../shared/usecases/imports/jobs';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => {
  const job = await requireImport({ deps, correlationId, actorId: principal.sub }, params.id);
  return { body: presentImport(job) };
});
