import { trackClick as contract } from '../../../shared/api/messaging';
import { httpHandler } from '../../../shared/http/handler';
import { trackClick } from '../../../shared/usecases/messaging/tracking';

/** Public: a tracked link; records the click and redirects to the signed URL (403 for any other). */
export const handler = httpHandler(contract, async ({ params, query, deps, correlationId }) => {
  const location = await trackClick({ deps, correlationId, actorId: 'customer:click' }, params.token, query.u);
  return { status: 302, body: { location }, headers: { location } };
});
