import { claimLead as contract } from '../../../shared/api/leads';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { claimLead } from '../../../shared/usecases/sales/lead-pool';
import { presentLead } from '../../../shared/usecases/sales/lead-support';
export const handler = httpHandler(contract, async (req) => {
  return { body: presentLead(await claimLead(salesCtxOf(req), req.params.id), req.principal.roles) };
});
