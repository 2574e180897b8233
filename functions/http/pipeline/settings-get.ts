import { getPipelineSettings as contract } from '../../../shared/api/pipeline';
import { httpHandler } from '../../../shared/http/handler';
import { settingsOf } from '../../../shared/usecases/sales/common';
export const handler = httpHandler(contract, async (req) => {
  return { body: await settingsOf({ deps: req.deps, correlationId: req.correlationId, actorId: req.principal.sub }) };
});
