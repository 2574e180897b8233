import { createTemplate as contract } from '../../../shared/api/templates';
import { httpHandler } from '../../../shared/http/handler';
import { createTemplate } from '../../../shared/usecases/messaging/templates';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const t = await createTemplate({ deps, correlationId, actorId: principal.sub }, body as Parameters<typeof createTemplate>[1]);
  return { body: t as never, headers: { location: `/v1/templates/${t.id}` } };
});
