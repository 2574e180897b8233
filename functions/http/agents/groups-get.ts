import { getGroup as contract } from '../../../shared/api/agents';
import { NotFoundError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';

export const handler = httpHandler(contract, async ({ params, deps }) => {
  const g = await deps.agents.getGroup(params.groupId);
  if (!g) throw new NotFoundError('Group', params.groupId);
  return { body: g };
});
