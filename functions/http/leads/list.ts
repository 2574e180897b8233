import { listLeads as contract } from '../../../shared/api/leads';
import { httpHandler } from '../../../shared/http/handler';
import { salesCtxOf } from '../../../shared/usecases/sales/common';
import { listLeads } from '../../../shared/usecases/sales/leads';
import { presentLead } from '../../../shared/usecases/sales/lead-support';
export const handler = httpHandler(contract, async (req) => {
  const { limit, cursor, ...q } = req.query;
  const page = await listLeads(salesCtxOf(req), { ...q, limit, ...(cursor ? { cursor } : {}) });
  return { body: { ...page, items: page.items.map((l) => presentLead(l, req.principal.roles)) } };
});
