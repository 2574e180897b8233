import { getLead as contract } from '../../../shared/api/leads';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { requireLead } from '../../../shared/usecases/sales/leads';
import { presentLead } from '../../../shared/usecases/sales/lead-support';
export const handler = httpHandler(contract, async (req) => {
  return { body: presentLead(await requireLead(salesCtxOf(req), req.params.id), req.principal.roles) };
});
