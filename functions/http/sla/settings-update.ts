import { updateServiceSettings as contract } from '../../../shared/api/sla';
import { httpHandler } from '../../../shared/http/handler';
import { saveSettings } from '../../../shared/usecases/service/admin';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const { defaultGroupId, ...rest } = body;
  const patch = { ...rest, ...(defaultGroupId !== undefined ? { defaultGroupId: defaultGroupId ?? undefined } : {}) };
  return { body: await saveSettings({ deps, correlationId, actorId: principal.sub }, patch) };
});
