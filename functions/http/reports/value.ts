import { valueReport as contract } from '../../../shared/api/reports';
import { valueCsv } from '../../../shared/usecases/analytics/report-csv';
import { reportHandler } from '../../../shared/usecases/analytics/report-http';
import { valueReport } from '../../../shared/usecases/analytics/reports/value';

export const handler = reportHandler(contract, 'rfm-groups', ({ query, deps, principal, correlationId }) => valueReport({ deps, correlationId, actorId: principal.sub }, query), valueCsv);
