import { mergeLead as contract } from '../../../shared/api/leads';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { mergeLeads } from '../../../shared/usecases/sales/lead-merge';
import { presentLead } from '../../../shared/usecases/sales/lead-support';
export const handler = httpHandler(contract, async (req) => {
  return { body: presentLead(await mergeLeads(salesCtxOf(req), req.params.id, req.body.sourceId), req.principal.roles) };
});
