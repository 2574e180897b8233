import { getServiceSettings as contract } from '../../../shared/api/sla';
import { httpHandler } from '../../../shared/http/handler';

export const handler = httpHandler(contract, async ({ deps }) => ({ body: await deps.sla.settings() }));
