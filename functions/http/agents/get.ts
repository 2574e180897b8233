import { getAgent as contract } from '../../../shared/api/agents';
import { NotFoundError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';

export const handler = httpHandler(contract, async ({ params, deps }) => {
  const a = await deps.agents.getAgent(params.agentId);
  if (!a) throw new NotFoundError('Agent', params.agentId);
  return { body: a };
});
