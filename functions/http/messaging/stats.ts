import { getSourceStats as contract } from '../../../shared/api/messaging';
import { httpHandler } from '../../../shared/http/handler';
import { sourceStats } from '../../../shared/usecases/messaging/stats';

export const handler = httpHandler(contract, async ({ params, deps }) => ({ body: await sourceStats(deps, params.kind, params.id) }));
