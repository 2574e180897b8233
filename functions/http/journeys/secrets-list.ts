import { listJourneySecrets as contract } from '../../../shared/api/journeys';
import { httpHandler } from '../../../shared/http/handler';
import { listSecrets } from '../../../shared/usecases/journeys/secrets';

export const handler = httpHandler(contract, async ({ deps, principal, correlationId }) => ({ body: { items: await listSecrets({ deps, correlationId, actorId: principal.sub }) } }));
