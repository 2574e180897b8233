import { marketingReport as contract } from '../../../shared/api/reports';
import { seriesCsv } from '../../../shared/usecases/analytics/report-csv';
import { reportHandler } from '../../../shared/usecases/analytics/report-http';
import { marketingReport } from '../../../shared/usecases/analytics/reports/marketing';

export const handler = reportHandler(contract, 'marketing', ({ query, deps, principal, correlationId }) => marketingReport({ deps, correlationId, actorId: principal.sub }, query), seriesCsv);
