import { createRun as contract } from '../../../shared/api/reports';
import { httpHandler } from '../../../shared/http/handler';
import { messageQueue } from '../../../shared/runtime/sqs-message-queue';
import { requestRun } from '../../../shared/usecases/analytics/runs';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => ({ body: await requestRun({ deps, correlationId, actorId: principal.sub }, messageQueue(deps), body) }));
