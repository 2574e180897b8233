import { putPipelineSettings as contract } from '../../../shared/api/pipeline';
import { httpHandler } from '../../../shared/http/handler';
import { putSettings } from '../../../shared/usecases/sales/settings';
export const handler = httpHandler(contract, async (req) => {
  const { version, ...input } = req.body;
  return { body: await putSettings({ deps: req.deps, correlationId: req.correlationId, actorId: req.principal.sub }, input, version) };
});
