import { createLead as contract } from '../../../shared/api/leads';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { createLead } from '../../../shared/usecases/sales/leads';
import { presentLead } from '../../../shared/usecases/sales/lead-support';
export const handler = httpHandler(contract, async (req) => {
  const lead = await createLead(salesCtxOf(req), req.body);
  return { body: presentLead(lead, req.principal.roles), headers: { location: `/v1/leads/${lead.id}` } };
});
