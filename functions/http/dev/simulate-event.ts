import { simulateMessageEvent as contract } from '../../../shared/api/messaging';
import { ConflictError, NotFoundError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';
import { MessagesRepo } from '../../../shared/store/messages-repo';
import { repoOf } from '../../../shared/store/repo-of';
import { recordFeedback } from '../../../shared/usecases/messaging/feedback';
import { presentMessage } from '../../../shared/usecases/messaging/present';

/**
 * Simulated provider feedback for a message the dev outbox captured (locally, every message):
 * the same use case as SES and SMS events. A message a real provider sent is refused (409): its
 * feedback comes from the provider.
 */
export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const m = await repoOf(deps, MessagesRepo).get(params.id);
  if (!m) throw new NotFoundError('Message', params.id);
  if (m.provider && m.provider !== 'dev-outbox') throw new ConflictError(`Message ${m.id} went out through ${m.provider}; its feedback comes from the provider.`, { rule: 'real-provider' });
  const r = await recordFeedback(
    { deps, correlationId, actorId: principal.sub },
    { messageId: m.id, kind: body.type, ...(body.at ? { at: body.at } : {}), ...(body.type === 'bounced' ? { bounce: { hard: body.bounceType !== 'soft', reason: `simulated ${body.bounceType ?? 'hard'} bounce` } } : {}), ...(body.url ? { url: body.url } : {}) },
  );
  return { body: { applied: r.applied, message: presentMessage(r.message, principal.can('pii:read')) } };
});
