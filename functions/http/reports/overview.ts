import { overviewReport as contract } from '../../../shared/api/reports';
import { overviewCsv } from '../../../shared/usecases/analytics/report-csv';
import { reportHandler } from '../../../shared/usecases/analytics/report-http';
import { overviewReport } from '../../../shared/usecases/analytics/reports/overview';

export const handler = reportHandler(contract, 'overview', ({ query, deps, principal, correlationId }) => overviewReport({ deps, correlationId, actorId: principal.sub }, query), overviewCsv);
