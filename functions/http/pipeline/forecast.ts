import { forecastReport as contract } from '../../../shared/api/pipeline';
import { httpHandler } from '../../../shared/http/handler';
import { forecast } from '../../../shared/usecases/sales/reports';
export const handler = httpHandler(contract, async (req) => {
  return { body: await forecast({ deps: req.deps, correlationId: req.correlationId, actorId: req.principal.sub }, req.query) };
});
