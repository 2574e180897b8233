import { updateTemplate as contract } from '../../../shared/api/templates';
import { httpHandler } from '../../../shared/http/handler';
import type { TemplateContent } from '../../../shared/domain/messaging/templates';
import { updateTemplate } from '../../../shared/usecases/messaging/templates';

/** An edit is a new version; the old ones stay readable (journeys pin theirs). */
export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const { content, ...rest } = body;
  return { body: (await updateTemplate({ deps, correlationId, actorId: principal.sub }, params.id, { ...rest, ...(content ? { content: content as TemplateContent } : {}) })) as never };
});
