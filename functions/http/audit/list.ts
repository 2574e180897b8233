import { listAudit as contract } from '../../../shared/api/audit';
import { ValidationError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';
import { AuditRepo, type AuditQuery } from '../../../shared/store/audit-repo';
import { repoOf } from '../../../shared/store/repo-of';

const DAY_MS = 86_400_000;
const MAX_PERIOD_DAYS = 31;

export const handler = httpHandler(contract, async ({ query, deps }) => {
  const to = query.to ?? deps.clock.now().toISOString();
  const q: AuditQuery = query.targetType && query.targetId ? { by: 'target', type: query.targetType, id: query.targetId } : query.actor ? { by: 'actor', sub: query.actor } : { by: 'time' };
  const from = query.from ?? new Date(Date.parse(to) - (q.by === 'time' ? 7 : 366) * DAY_MS).toISOString();
  if (q.by === 'time' && Date.parse(to) - Date.parse(from) > MAX_PERIOD_DAYS * DAY_MS) {
    throw ValidationError.field('query.from', `a period without an object or actor is at most ${MAX_PERIOD_DAYS} days`);
  }
  const page = await repoOf(deps, AuditRepo).list(q, new Date(Date.parse(from)).toISOString(), new Date(Date.parse(to)).toISOString(), query.limit, query.cursor);
  return { body: { items: page.items, ...(page.next ? { cursor: page.next } : {}) } };
});
