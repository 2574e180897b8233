import { releaseLead as contract } from '../../../shared/api/leads';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { releaseLead } from '../../../shared/usecases/sales/lead-pool';
import { presentLead } from '../../../shared/usecases/sales/lead-support';
export const handler = httpHandler(contract, async (req) => {
  return { body: presentLead(await releaseLead(salesCtxOf(req), req.params.id, req.body.note), req.principal.roles) };
});
