import { addFollowUp as contract } from '../../../shared/api/leads';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { addFollowUp } from '../../../shared/usecases/sales/lead-followups';
import { presentLead } from '../../../shared/usecases/sales/lead-support';
export const handler = httpHandler(contract, async (req) => {
  const r = await addFollowUp(salesCtxOf(req), req.params.id, req.body);
  return { body: { followUp: r.followUp, lead: presentLead(r.lead, req.principal.roles) } };
});
