import { cohortsReport as contract } from '../../../shared/api/reports';
import { cohortsCsv } from '../../../shared/usecases/analytics/report-csv';
import { reportHandler } from '../../../shared/usecases/analytics/report-http';
import { cohortsReport } from '../../../shared/usecases/analytics/reports/cohorts';

export const handler = reportHandler(contract, 'cohorts', ({ query, deps, principal, correlationId }) => cohortsReport({ deps, correlationId, actorId: principal.sub }, query), cohortsCsv);
