import { receivablesReport as contract } from '../../../shared/api/pipeline';
import { httpHandler } from '../../../shared/http/handler';
import { receivables } from '../../../shared/usecases/sales/reports';
export const handler = httpHandler(contract, async (req) => {
  return { body: await receivables({ deps: req.deps, correlationId: req.correlationId, actorId: req.principal.sub }) };
});
