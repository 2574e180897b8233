import { answerSurvey as contract } from '../../../shared/api/surveys';
import { httpHandler } from '../../../shared/http/handler';
import { answerSurvey } from '../../../shared/usecases/service/surveys';

/** Public: the signed link is the permission; forged 403, expired 410, answered twice 409. */
export const handler = httpHandler(contract, async ({ params, query, body, deps, correlationId }) => {
  const s = await answerSurvey({ deps, correlationId, actorId: `customer:survey:${params.id}` }, params.id, query, body);
  return { body: { id: s.id, kind: s.kind, status: s.status, ...(s.answeredAt ? { answeredAt: s.answeredAt } : {}) } };
});
