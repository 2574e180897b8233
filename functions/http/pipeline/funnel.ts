import { funnelReport as contract } from '../../../shared/api/pipeline';
import { httpHandler } from '../../../shared/http/handler';
import { funnel } from '../../../shared/usecases/sales/reports';
export const handler = httpHandler(contract, async (req) => {
  return { body: await funnel({ deps: req.deps, correlationId: req.correlationId, actorId: req.principal.sub }, req.query) };
});
