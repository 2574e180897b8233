import { listTickets as contract } from '../../../shared/api/tickets';
import { ValidationError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';
import type { TicketList } from '../../../shared/store/tickets-repo';
import { presentTicket } from '../../../shared/usecases/service/tickets';

/** One index query: by status (GSI1, sharded), by agent or a group's unassigned queue (GSI2). */
export const handler = httpHandler(contract, async ({ query, deps }) => {
  const { assigneeId, groupId, status, limit, cursor } = query;
  if (assigneeId && groupId) throw ValidationError.field('groupId', 'give assigneeId (an agent’s tickets) or groupId (a group’s unassigned queue), not both');
  let list: TicketList;
  if (assigneeId) list = { by: 'agent', agentId: assigneeId, ...(status ? { status } : {}) };
  else if (groupId) list = { by: 'queue', groupId, ...(status ? { status } : {}) };
  else if (status && status !== 'unsolved') list = { by: 'status', status };
  else throw ValidationError.field('status', 'is required without assigneeId or groupId: one of new, open, pending, on-hold, solved, closed');
  const page = await deps.tickets.list(list, limit, cursor);
  const now = deps.clock.now().getTime();
  return { body: { items: page.items.map((t) => presentTicket(t, now)), ...(page.cursor ? { cursor: page.cursor } : {}) } };
});
