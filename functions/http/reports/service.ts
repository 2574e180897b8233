import { serviceReport as contract } from '../../../shared/api/service-reports';
import { httpHandler } from '../../../shared/http/handler';
import { serviceReportFor } from '../../../shared/usecases/service/reports';

export const handler = httpHandler(contract, async ({ query, deps, principal, correlationId }) => ({ body: await serviceReportFor({ deps, correlationId, actorId: principal.sub }, query) }));
