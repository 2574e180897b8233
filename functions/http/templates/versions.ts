import { listTemplateVersions as contract } from '../../../shared/api/templates';
import { httpHandler } from '../../../shared/http/handler';
import { listTemplateVersions } from '../../../shared/usecases/messaging/templates';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => ({
  body: { items: (await listTemplateVersions({ deps, correlationId, actorId: principal.sub }, params.id)) as never },
}));
