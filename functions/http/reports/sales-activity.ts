import { salesActivityReport as contract } from '../../../shared/api/reports';
import { rowsCsv } from '../../../shared/usecases/analytics/report-csv';
import { reportHandler } from '../../../shared/usecases/analytics/report-http';
import { salesActivity } from '../../../shared/usecases/analytics/reports/sales-activity';

export const handler = reportHandler(contract, 'sales-activity', ({ query, deps, principal, correlationId }) => salesActivity({ deps, correlationId, actorId: principal.sub }, query), rowsCsv);
