import { checkoutsReport as contract } from '../../../shared/api/reports';
import { seriesCsv } from '../../../shared/usecases/analytics/report-csv';
import { reportHandler } from '../../../shared/usecases/analytics/report-http';
import { checkoutsReport } from '../../../shared/usecases/analytics/reports/checkouts';

export const handler = reportHandler(contract, 'checkouts', ({ query, deps, principal, correlationId }) => checkoutsReport({ deps, correlationId, actorId: principal.sub }, query), seriesCsv);
