import { listCadenceRules as contract } from '../../../shared/api/tasks';
import { httpHandler } from '../../../shared/http/handler';

export const handler = httpHandler(contract, async ({ deps }) => ({ body: { items: await deps.cadences.all() } }));
