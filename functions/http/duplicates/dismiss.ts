import { dismissDuplicate as contract } from '../../../shared/api/merges';
import { httpHandler } from '../../../shared/http/handler';

export const handler = httpHandler(contract, async ({ params, deps, principal }) => {
  return { body: await deps.duplicates.resolve(params.id, 'dismissed', principal.sub, deps.clock.now().toISOString()) };
});
