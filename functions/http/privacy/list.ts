import { listPrivacyRequests as contract } from '../../../shared/api/privacy';
import { isOverdue } from '../../../shared/domain/privacy';
import { httpHandler } from '../../../shared/http/handler';
import { PrivacyRepo } from '../../../shared/store/privacy-repo';
import { repoOf } from '../../../shared/store/repo-of';

export const handler = httpHandler(contract, async ({ query, deps }) => {
  const page = await repoOf(deps, PrivacyRepo).list(query.status, query.limit, query.cursor);
  const now = deps.clock.now().toISOString();
  return { body: { items: page.items.map((r) => ({ ...r, overdue: isOverdue(r, now) })), ...(page.cursor ? { cursor: page.cursor } : {}) } };
});
