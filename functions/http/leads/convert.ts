import { convertLead as contract } from '../../../shared/api/leads';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { convertLead } from '../../../shared/usecases/sales/lead-convert';
import { presentLead } from '../../../shared/usecases/sales/lead-support';
export const handler = httpHandler(contract, async (req) => {
  const r = await convertLead(salesCtxOf(req), req.params.id, req.body);
  return { body: { ...r, lead: presentLead(r.lead, req.principal.roles) } };
});
