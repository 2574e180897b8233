import { intakeLead as contract } from '../../../shared/api/leads';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { createLead } from '../../../shared/usecases/sales/leads';
export const handler = httpHandler(contract, async (req) => {
  // From a website form or an integration: the assignment rules (or the pool) decide the owner.
  const lead = await createLead(salesCtxOf(req), req.body, { intake: true });
  return { body: { id: lead.id, status: lead.status, assigned: !!lead.ownerId }, headers: { location: `/v1/leads/${lead.id}` } };
});
