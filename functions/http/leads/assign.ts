import { assignLead as contract } from '../../../shared/api/leads';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { assignLead } from '../../../shared/usecases/sales/lead-pool';
import { presentLead } from '../../../shared/usecases/sales/lead-support';
export const handler = httpHandler(contract, async (req) => {
  return { body: presentLead(await assignLead(salesCtxOf(req), req.params.id, req.body.ownerId), req.principal.roles) };
});
