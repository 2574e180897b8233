import { validateJourney as contract } from '../../../shared/api/journeys';
import { httpHandler } from '../../../shared/http/handler';
import { validateDefinition } from '../../../shared/usecases/journeys/queries';

export const handler = httpHandler(contract, async ({ body, deps, principal, correlationId }) => {
  const r = await validateDefinition({ deps, correlationId, actorId: principal.sub }, body.definition);
  return { body: { valid: r.valid, errors: r.errors, ...(r.definition ? { definition: r.definition as unknown as Record<string, unknown> } : {}) } };
});
