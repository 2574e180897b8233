import { serviceTrendReport as contract } from '../../../shared/api/reports';
import { rowsCsv } from '../../../shared/usecases/analytics/report-csv';
import { reportHandler } from '../../../shared/usecases/analytics/report-http';
import { serviceTrend } from '../../../shared/usecases/analytics/reports/service-trend';

export const handler = reportHandler(contract, 'service-trend', ({ query, deps, principal, correlationId }) => serviceTrend({ deps, correlationId, actorId: principal.sub }, query), rowsCsv);
