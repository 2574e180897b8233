import { salesReport as contract } from '../../../shared/api/reports';
import { seriesCsv } from '../../../shared/usecases/analytics/report-csv';
import { reportHandler } from '../../../shared/usecases/analytics/report-http';
import { salesReport } from '../../../shared/usecases/analytics/reports/sales';

export const handler = reportHandler(contract, 'sales', ({ query, deps, principal, correlationId }) => salesReport({ deps, correlationId, actorId: principal.sub }, query), seriesCsv);
