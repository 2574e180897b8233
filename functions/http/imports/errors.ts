import { getImportErrors as contract } from '../../../shared/api/transfers';
import { csvDownload } from '../../../shared/http/csv-response';
import { httpHandler } from '../../../shared/http/handler';
import { errorReport } from '../../../shared/usecases/imports/error-report';
import { requireImport } from '../../../shared/usecases/imports/jobs';

const inner = httpHandler(contract, async ({ params, deps, principal, correlationId }) => {
  const job = await requireImport({ deps, correlationId, actorId: principal.sub }, params.id);
  return { body: await errorReport(deps, job) };
});

export const handler = csvDownload(inner, (event) => `import-${event.pathParameters?.id ?? 'job'}-errors.csv`);
