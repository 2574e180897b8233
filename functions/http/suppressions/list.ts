import { listSuppressions as contract } from '../../../shared/api/messaging';
import { httpHandler } from '../../../shared/http/handler';
import { findSuppression, listSuppressions, presentSuppression } from '../../../shared/usecases/messaging/suppressions';

export const handler = httpHandler(contract, async ({ query, deps, principal, correlationId }) => {
  const ctx = { deps, correlationId, actorId: principal.sub };
  const pii = principal.can('pii:read');
  if (query.address) {
    const found = await findSuppression(ctx, query.channel, query.address);
    return { body: { items: found ? [presentSuppression(found, pii)] : [] } };
  }
  const page = await listSuppressions(ctx, query.channel, query.limit, query.cursor);
  return { body: { items: page.items.map((s) => presentSuppression(s, pii)), ...(page.cursor ? { cursor: page.cursor } : {}) } };
});
