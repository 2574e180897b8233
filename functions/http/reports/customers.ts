import { customersReport as contract } from '../../../shared/api/reports';
import { seriesCsv } from '../../../shared/usecases/analytics/report-csv';
import { reportHandler } from '../../../shared/usecases/analytics/report-http';
import { customersReport } from '../../../shared/usecases/analytics/reports/customers';

export const handler = reportHandler(contract, 'customers', ({ query, deps, principal, correlationId }) => customersReport({ deps, correlationId, actorId: principal.sub }, query), seriesCsv);
