import { updateLead as contract } from '../../../shared/api/leads';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { updateLead } from '../../../shared/usecases/sales/leads';
import { presentLead } from '../../../shared/usecases/sales/lead-support';
export const handler = httpHandler(contract, async (req) => {
  return { body: presentLead(await updateLead(salesCtxOf(req), req.params.id, req.body), req.principal.roles) };
});
